"""Reads of assignments and results, always through the scope gate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from assessment.models import Assignment, CompletionRule, Result
from attendance.selectors import attendance_summary
from core.scope import VIEW, restrict
from courses.models import Course
from nominations.models import Enrollment, EnrollmentStatus


def rule_of(course: Course) -> CompletionRule:
    """The class's rule, or the default one (unsaved) when none was set."""
    rule = CompletionRule.objects.filter(course=course).first()
    return rule if rule is not None else CompletionRule(course=course)


def attendance_counts(course: Course) -> dict[int, tuple[int, int]]:
    """enrollment id -> (sessions attended, sessions counted), from the attendance app
    (present/late attend; opening and closing do not count; sessions not yet held
    do not count)."""
    return attendance_summary(course)


def course_enrollments(course: Course) -> QuerySet[Enrollment]:
    """Enrolled trainees of a class the caller already got through the gate."""
    return (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED)
        .select_related("person", "unit", "assignment", "result", "result__override_by")
        .order_by("person__sort_key", "pk")
    )


def course_assignments(course: Course, *, user: Any) -> QuerySet[Assignment]:
    return restrict(Assignment.objects.filter(enrollment__course=course), user, VIEW)


@dataclass
class ResultRow:
    number: int
    enrollment: Enrollment
    assignment: Assignment | None
    result: Result | None
    attended: int
    counted: int
    share: Decimal | None
    grade: str


def result_rows(course: Course, rule: CompletionRule) -> list[ResultRow]:
    """One row per enrolled trainee for the results page and its export (3 queries)."""
    from assessment.services import grade_label

    counts = attendance_counts(course)
    rows = []
    for number, enrollment in enumerate(course_enrollments(course), start=1):
        assignment = getattr(enrollment, "assignment", None)
        result = getattr(enrollment, "result", None)
        attended, counted = counts.get(enrollment.pk, (0, 0))
        share = (Decimal(attended) / counted).quantize(Decimal("0.01")) if counted else None
        score = assignment.score if assignment is not None else None
        rows.append(
            ResultRow(
                number,
                enrollment,
                assignment,
                result,
                attended,
                counted,
                share,
                grade_label(score, rule),
            )
        )
    return rows


def submitted_count(course: Course) -> int:
    return Assignment.objects.filter(
        Q(enrollment__course=course) & Q(submitted_at__isnull=False)
    ).count()
