"""Reads of classes and programmes, always through the scope gate."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from core.scope import VIEW, restrict
from core.text import tokens
from courses.models import Course, CourseGuest, Session, SessionLecturer, Topic
from people.models import Lecturer


@dataclass(frozen=True)
class CourseFilters:
    query: str = ""
    year: int | None = None
    status: str = ""
    level: str = ""
    owner_id: int | None = None
    unit_id: int | None = None
    topic_id: int | None = None
    lecturer_id: int | None = None
    plan_id: int | None = None


def course_list(*, user: Any, filters: CourseFilters = CourseFilters()) -> QuerySet[Course]:
    """Classes the user may see, filtered; a constant number of queries per page."""
    courses = restrict(Course.objects.all(), user, VIEW).select_related(
        "owner", "venue_unit", "plan"
    )
    for word in tokens(filters.query)[:10]:
        courses = courses.filter(title_folded__contains=word)
    if filters.year:
        courses = courses.filter(
            start_date__year__lte=filters.year, end_date__year__gte=filters.year
        )
    if filters.status:
        courses = courses.filter(status=filters.status)
    if filters.level:
        courses = courses.filter(level=filters.level)
    if filters.owner_id:
        courses = courses.filter(owner_id=filters.owner_id)
    if filters.plan_id:
        courses = courses.filter(plan_id=filters.plan_id)
    if filters.unit_id:
        # Held in the unit, or training people of it (cluster catchment).
        from geo.models import AdminUnit

        unit = AdminUnit.objects.filter(pk=filters.unit_id).only("path").first()
        if unit is None:
            return courses.none()
        courses = courses.filter(
            Q(venue_unit__path__startswith=unit.path)
            | Q(
                pk__in=Course.catchment_units.through.objects.filter(
                    adminunit__path__startswith=unit.path
                ).values("course_id")
            )
        )
    if filters.topic_id:
        courses = courses.filter(
            pk__in=Session.objects.filter(topic_id=filters.topic_id).values("course_id")
        )
    if filters.lecturer_id:
        courses = courses.filter(
            pk__in=SessionLecturer.objects.filter(lecturer_id=filters.lecturer_id).values(
                "session__course_id"
            )
        )
    return courses.order_by("-start_date", "title", "pk")


def course_sessions(course: Course) -> QuerySet[Session]:
    return course.sessions.select_related("topic").prefetch_related(
        Prefetch(
            "lecturers",
            queryset=Lecturer.objects.select_related(
                "person", "person__organization"
            ).prefetch_related("person__organization__names"),
        )
    )


def course_guests(course: Course) -> QuerySet[CourseGuest]:
    return course.guests.all()


def sessions_between(
    *, user: Any, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Session]:
    """Sessions the user may see that overlap [start, end)."""
    return (
        restrict(Session.objects.all(), user, VIEW)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("course", "topic")
        .order_by("starts_at", "pk")
    )


def courses_between(*, user: Any, start: datetime.date, end: datetime.date) -> QuerySet[Course]:
    """Classes the user may see that run on any day of [start, end]."""
    return (
        restrict(Course.objects.all(), user, VIEW)
        .filter(start_date__lte=end, end_date__gte=start)
        .select_related("owner")
        .order_by("start_date", "title", "pk")
    )


def lecturer_sessions(lecturer: Lecturer) -> QuerySet[Session]:
    """Every session a lecturer teaches (their history), newest first."""
    return (
        Session.objects.filter(
            pk__in=SessionLecturer.objects.filter(lecturer=lecturer).values("session_id")
        )
        .select_related("course", "topic", "course__owner")
        .order_by("-starts_at")
    )


def topic_list(*, user: Any, query: str = "") -> QuerySet[Topic]:
    topics = restrict(Topic.objects.all(), user, VIEW).select_related("owner")
    for word in tokens(query)[:10]:
        topics = topics.filter(title_folded__contains=word)
    return topics.order_by("sort_key", "pk")


def lecturer_list(*, user: Any, query: str = "") -> QuerySet[Lecturer]:
    lecturers = restrict(Lecturer.objects.all(), user, VIEW).select_related(
        "person", "person__organization"
    )
    for word in tokens(query)[:10]:
        lecturers = lecturers.filter(person__name_folded__contains=word)
    return lecturers.prefetch_related("topics").order_by("person__sort_key", "pk")
