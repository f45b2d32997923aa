"""Reads of plans: the plan page's planned-vs-held figures, computed in the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from core.scope import VIEW, restrict
from courses.models import HELD_STATUSES, Course, CourseStatus
from planning.models import PlanTarget, TrainingPlan


def plan_list(*, user: Any, year: int | None = None) -> QuerySet[TrainingPlan]:
    plans = restrict(TrainingPlan.objects.all(), user, VIEW).select_related("issuer")
    if year:
        plans = plans.filter(year=year)
    return plans.annotate(
        course_total=Count("courses", filter=~Q(courses__status=CourseStatus.CANCELLED)),
        course_held=Count("courses", filter=Q(courses__status__in=HELD_STATUSES)),
    ).order_by("-year", "-issue_date", "pk")


@dataclass(frozen=True)
class PlanProgress:
    classes_target: int
    classes_planned: int
    classes_held: int
    classes_cancelled: int
    trainees_target: int
    trainees_expected: int
    trainees_actual: int
    targets: list[PlanTarget]


def plan_progress(plan: TrainingPlan) -> PlanProgress:
    """Planned vs held classes, target vs actual trainees — live from the classes."""
    figures = Course.objects.filter(plan=plan).aggregate(
        planned=Count("pk", filter=~Q(status=CourseStatus.CANCELLED)),
        held=Count("pk", filter=Q(status__in=HELD_STATUSES)),
        cancelled=Count("pk", filter=Q(status=CourseStatus.CANCELLED)),
        expected=Sum("capacity", filter=~Q(status=CourseStatus.CANCELLED)),
        actual=Sum("trainee_count", filter=Q(status__in=HELD_STATUSES)),
    )
    targets = list(plan.targets.select_related("category").order_by("category__order"))
    total = next((t.trainees for t in targets if t.category_id is None), None)
    trainees_target = (
        total if total is not None else sum(t.trainees for t in targets if t.category_id)
    )
    return PlanProgress(
        classes_target=plan.classes_target,
        classes_planned=figures["planned"] or 0,
        classes_held=figures["held"] or 0,
        classes_cancelled=figures["cancelled"] or 0,
        trainees_target=trainees_target,
        trainees_expected=figures["expected"] or 0,
        trainees_actual=figures["actual"] or 0,
        targets=targets,
    )
