"""Reads of quotas, nominations and enrollments, always through the scope gate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from core.scope import VIEW, restrict
from core.text import tokens
from courses.models import Course
from nominations.models import (
    OPEN_STATUSES,
    Enrollment,
    EnrollmentStatus,
    Nomination,
    NominationEvent,
    NominationStatus,
    Quota,
)
from orgs.models import Organization
from people.models import Person


def _with_usage(quotas: QuerySet[Quota]) -> QuerySet[Quota]:
    """Each quota with `used` (open nominations) and `enrolled` (approved)."""
    return quotas.annotate(
        used=Count("nominations", filter=Q(nominations__status__in=OPEN_STATUSES)),
        enrolled=Count("nominations", filter=Q(nominations__status=NominationStatus.APPROVED)),
    )


def course_quotas(course: Course, *, user: Any) -> QuerySet[Quota]:
    return _with_usage(
        restrict(Quota.objects.filter(course=course), user, VIEW).select_related("unit")
    ).order_by("unit__sort_key", "pk")


def course_nominations(course: Course, *, user: Any) -> QuerySet[Nomination]:
    """The nominations of a class the user may see (a focal point: their unit's)."""
    return (
        restrict(Nomination.objects.filter(course=course), user, VIEW)
        .select_related("person", "unit", "decided_by", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def waiting_list(course: Course, *, user: Any) -> QuerySet[Nomination]:
    """The waiting list in the order it is promoted."""
    return (
        course_nominations(course, user=user)
        .filter(status=NominationStatus.WAITLISTED)
        .order_by("waitlisted_at", "pk")
    )


def course_enrollments(course: Course, *, user: Any) -> QuerySet[Enrollment]:
    return (
        restrict(Enrollment.objects.filter(course=course), user, VIEW)
        .select_related("person", "person__organization", "unit")
        .order_by("person__sort_key", "pk")
    )


def course_events(course: Course, *, user: Any, limit: int = 50) -> QuerySet[NominationEvent]:
    return (
        restrict(NominationEvent.objects.filter(course=course), user, VIEW)
        .select_related("by")
        .order_by("-at", "-pk")[:limit]
    )


def unit_quotas(*, user: Any) -> QuerySet[Quota]:
    """The classes in which the user's unit holds a quota ("Lớp được giao chỉ tiêu")."""
    unit_id = getattr(user, "organization_id", None)
    if unit_id is None:
        return Quota.objects.none()
    return _with_usage(
        restrict(Quota.objects.filter(unit_id=unit_id), user, VIEW).select_related(
            "course", "course__owner"
        )
    ).order_by("-course__start_date", "course__title", "pk")


def unit_quota(course: Course, *, user: Any) -> Quota | None:
    """The quota of the user's unit in `course`, with its usage."""
    return unit_quotas(user=user).filter(course=course).first()


@dataclass(frozen=True)
class Counts:
    enrolled: int
    waitlisted: int
    submitted: int


def course_counts(course: Course) -> Counts:
    """Places and waiting list of a class in one query (the class page's card)."""
    row = Nomination.objects.filter(course=course).aggregate(
        waitlisted=Count("pk", filter=Q(status=NominationStatus.WAITLISTED)),
        submitted=Count("pk", filter=Q(status=NominationStatus.SUBMITTED)),
    )
    return Counts(
        enrolled=course.enrolled_count,
        waitlisted=row["waitlisted"],
        submitted=row["submitted"],
    )


def nominable_people(*, user: Any, unit: Organization, query: str = "") -> QuerySet[Person]:
    """People of `unit` the user may put forward, found by an accent-folding search."""
    people = restrict(Person.objects.all(), user, VIEW).filter(Q(owner=unit) | Q(organization=unit))
    for word in tokens(query)[:10]:
        people = people.filter(name_folded__contains=word)
    return people.select_related("organization").order_by("sort_key", "pk")


def enrollable_people(*, user: Any, query: str = "") -> QuerySet[Person]:
    """Anyone in the user's scope, for the committee's direct enrollment."""
    people = restrict(Person.objects.all(), user, VIEW)
    for word in tokens(query)[:10]:
        people = people.filter(name_folded__contains=word)
    return people.select_related("organization").order_by("sort_key", "pk")


def enrolled_count_matches(course: Course) -> bool:
    """The counter equals the rows (a consistency check for tests and admins)."""
    rows = Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED).count()
    return Course.objects.filter(pk=course.pk, enrolled_count=rows).exists()
