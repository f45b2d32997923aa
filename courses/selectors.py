"""Reads of classes and programmes, always through the scope gate."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, IntegerField, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from core.scope import VIEW, restrict
from core.text import tokens
from courses.ical import FeedSession
from courses.models import Course, CourseGuest, Session, SessionKind, SessionLecturer, Topic
from courses.naming import affiliation
from geo.models import AdminUnit
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


@dataclass(slots=True)
class ProgrammeLecturer:
    pk: int
    name: str  # Lecturer.display_name
    position: str


@dataclass(slots=True)
class ProgrammeSession:
    """A row of the class page's programme (`label` as `Session.label`)."""

    pk: int
    date: datetime.date
    half_day: str
    start_time: datetime.time | None
    end_time: datetime.time | None
    kind: str
    topic_id: int | None
    title: str
    label: str
    room: str
    lecturers: list[ProgrammeLecturer]


def course_programme(course: Course) -> list[ProgrammeSession]:
    """The class page's programme with each session's lecturers, in one query.

    `course_sessions` builds models with organisations and their former names
    for the printed programme; the page shows less, read as plain values.
    """
    rows = (
        Session.objects.filter(course_id=course.pk)
        .order_by("starts_at", "pk", "lecturers__person__sort_key", "lecturers__pk")
        .values_list(
            "pk",
            "date",
            "half_day",
            "start_time",
            "end_time",
            "kind",
            "topic_id",
            "title",
            "topic__title",
            "room",
            "lecturers__pk",
            "lecturers__academic_title",
            "lecturers__person__full_name",
            "lecturers__person__position",
        )
    )
    kinds = {value: str(label) for value, label in SessionKind.choices}
    programme: list[ProgrammeSession] = []
    for row in rows:
        pk, date, half_day, start, end, kind, topic_id, title, topic_title, room = row[:10]
        lecturer_pk, academic_title, full_name, position = row[10:]
        if not programme or programme[-1].pk != pk:
            label = title or topic_title or kinds.get(kind, kind)
            programme.append(
                ProgrammeSession(
                    pk, date, half_day, start, end, kind, topic_id, title, label, room, []
                )
            )
        if lecturer_pk is not None:
            name = f"{academic_title}. {full_name}" if academic_title else full_name
            programme[-1].lecturers.append(ProgrammeLecturer(lecturer_pk, name, position))
    return programme


@dataclass(frozen=True)
class CourseLinks:
    """The names of a class's co-organisers, audience categories and catchment units."""

    co_organizers: list[str]
    audience: list[str]
    catchment: list[str]


def course_links(course: Course) -> CourseLinks:
    """Three many-to-many lists of the class page in one UNION ALL statement.

    Each list keeps its model's ordering (organisations and units by `sort_key`,
    categories by `order` then name) and its model's `__str__`.
    """
    text: CharField[str, str] = CharField()
    number: IntegerField[int, int] = IntegerField()

    def columns(which: int, sort_text: Any, sort_number: Any, **unit: Any) -> dict[str, Any]:
        return {
            "which": Value(which, output_field=number),
            "sort_text": sort_text,
            "sort_number": sort_number,
            "unit_edition": unit.get("edition", Value("", output_field=text)),
            "unit_level": unit.get("level", Value("", output_field=text)),
        }

    names = ("which", "name", "sort_text", "sort_number", "unit_edition", "unit_level")
    organizations = course.co_organizers.order_by().annotate(
        **columns(0, F("sort_key"), Value(0, output_field=number))
    )
    audience = course.audience.order_by().annotate(**columns(1, F("name"), F("order")))
    units = course.catchment_units.order_by().annotate(
        **columns(
            2, F("sort_key"), Value(0, output_field=number), edition=F("edition"), level=F("level")
        )
    )
    rows = (
        organizations.values_list(*names)
        .union(audience.values_list(*names), units.values_list(*names), all=True)
        .order_by("which", "sort_number", "sort_text")
    )
    lists: tuple[list[str], list[str], list[str]] = ([], [], [])
    for which, name, _text, _number, edition, level in rows:
        if which == 2:  # the unit's own __str__ ("Tỉnh Bình Phước (cũ)")
            name = str(AdminUnit(name=name, edition=edition, level=level))
        lists[which].append(name)
    return CourseLinks(*lists)


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


@dataclass(slots=True)
class CalendarCourse:
    """What the month calendar shows of a class."""

    pk: int
    title: str
    status: str
    start_date: datetime.date
    end_date: datetime.date


@dataclass(slots=True)
class CalendarSession:
    """What the month calendar shows of a session (`label` as `Session.label`)."""

    pk: int
    course_id: int
    course: CalendarCourse
    date: datetime.date
    half_day: str
    starts_at: datetime.datetime
    local: datetime.datetime  # starts_at in the current time zone
    label: str


def month_courses(*, user: Any, start: datetime.date, end: datetime.date) -> list[CalendarCourse]:
    """`courses_between` as plain rows: a month holds hundreds of classes."""
    rows = (
        courses_between(user=user, start=start, end=end)
        .select_related(None)
        .values_list("pk", "title", "status", "start_date", "end_date")
    )
    return [CalendarCourse(*row) for row in rows]


def month_sessions(
    *, user: Any, start: datetime.datetime, end: datetime.datetime
) -> list[CalendarSession]:
    """`sessions_between` as plain rows, each with its class (one query, no models)."""
    rows = (
        sessions_between(user=user, start=start, end=end)
        .select_related(None)
        .values_list(
            "pk",
            "course_id",
            "date",
            "half_day",
            "starts_at",
            "title",
            "kind",
            "topic__title",
            "course__title",
            "course__status",
            "course__start_date",
            "course__end_date",
        )
    )
    kinds = {value: str(label) for value, label in SessionKind.choices}
    courses: dict[int, CalendarCourse] = {}
    zone = timezone.get_current_timezone()
    sessions: list[CalendarSession] = []
    for (
        pk,
        course_id,
        date,
        half_day,
        starts_at,
        title,
        kind,
        topic_title,
        course_title,
        status,
        course_start,
        course_end,
    ) in rows:
        course = courses.get(course_id)
        if course is None:
            course = courses[course_id] = CalendarCourse(
                course_id, course_title, status, course_start, course_end
            )
        label = title or topic_title or kinds.get(kind, kind)
        local = starts_at.astimezone(zone)
        sessions.append(
            CalendarSession(pk, course_id, course, date, half_day, starts_at, local, label)
        )
    return sessions


def lecturer_sessions(lecturer: Lecturer) -> QuerySet[Session]:
    """Every session a lecturer teaches (their history), newest first."""
    return (
        Session.objects.filter(
            pk__in=SessionLecturer.objects.filter(lecturer=lecturer).values("session_id")
        )
        .select_related("course", "topic", "course__owner")
        .order_by("-starts_at")
    )


# One row per session and lecturer (LEFT JOIN): a feed in one statement.
_FEED_FIELDS = (
    "pk",
    "starts_at",
    "ends_at",
    "title",
    "kind",
    "topic__title",
    "room",
    "course_id",
    "course__title",
    "course__venue",
    "course__status",
    "lecturers__academic_title",
    "lecturers__person__full_name",
    "lecturers__person__position",
    "lecturers__person__organization__name",
)


def feed_sessions(sessions: QuerySet[Session]) -> list[FeedSession]:
    """`sessions` as iCal feed rows, with all their lecturers, in one query.

    The same content as `Session.label`, `Lecturer.display_name` and
    `documents.lecturer_affiliation`, read as plain values: a feed is polled
    by every subscribed calendar, and model instances cost more than the SQL.
    """
    rows = sessions.order_by(
        "starts_at", "pk", "lecturers__person__sort_key", "lecturers__pk"
    ).values_list(*_FEED_FIELDS)
    kinds = {value: str(label) for value, label in SessionKind.choices}
    feed: list[FeedSession] = []
    for (
        pk,
        starts_at,
        ends_at,
        title,
        kind,
        topic_title,
        room,
        course_pk,
        course_title,
        venue,
        status,
        academic_title,
        full_name,
        position,
        organization,
    ) in rows:
        if not feed or feed[-1].pk != pk:
            label = title or topic_title or kinds.get(kind, kind)
            feed.append(
                FeedSession(
                    pk=pk,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    label=label,
                    kind_label=kinds.get(kind, kind),
                    room=room,
                    course_pk=course_pk,
                    course_title=course_title,
                    course_venue=venue,
                    course_status=status,
                    lecturers=[],
                )
            )
        if full_name is not None:
            name = f"{academic_title}. {full_name}" if academic_title else full_name
            extra = affiliation(position, organization or "")
            feed[-1].lecturers.append(f"{name} ({extra})" if extra else name)
    return feed


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
