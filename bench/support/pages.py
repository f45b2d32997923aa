"""The pages measured, and for each the same data fetched with hand-written SQL.

The anchor of a page is what a careful developer would write by hand to get
exactly the rows the page shows: one statement per kind of row, joined, with
the user's scope in the WHERE clause, run on Django's own connection. The
benchmark checks that the page really shows those rows (the `verify` of each
target), so a fast page never wins by showing less.

Import only after `django.setup()`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum
from django.test import Client

from accounts.models import User
from bench.support.data import Built
from core.scope import get_for_user
from courses import calendar, selectors
from courses.models import Course, Session, SessionLecturer
from geo.models import AdminUnit, MapEdition
from nominations.models import NominationStatus, Quota
from people.models import Lecturer

Rows = list[tuple[Any, ...]]

# The scope of a committee on today's map, by hand: its units by path prefix, and
# the old units all of whose successors lie inside it (geo.AdminUnit.covered_path,
# as core.scope.territory_units_q reads it).
SCOPE_SQL = "(t.path LIKE %s OR t.covered_path LIKE %s)"

LIST_SQL = """
SELECT c.*, o.*, v.*, p.*
FROM courses_course c
JOIN orgs_organization o ON o.id = c.owner_id
JOIN geo_adminunit t ON t.id = o.territory_id
LEFT JOIN geo_adminunit v ON v.id = c.venue_unit_id
LEFT JOIN planning_trainingplan p ON p.id = c.plan_id
WHERE {scope}
ORDER BY c.start_date DESC, c.title, c.id
LIMIT 50
"""
COUNT_SQL = """
SELECT COUNT(*) FROM courses_course c
JOIN orgs_organization o ON o.id = c.owner_id
JOIN geo_adminunit t ON t.id = o.territory_id
WHERE {scope}
"""
COURSE_SQL = """
SELECT c.*, o.*, t.*, v.*, p.*, cl.*
FROM courses_course c
JOIN orgs_organization o ON o.id = c.owner_id
JOIN geo_adminunit t ON t.id = o.territory_id
LEFT JOIN geo_adminunit v ON v.id = c.venue_unit_id
LEFT JOIN planning_trainingplan p ON p.id = c.plan_id
LEFT JOIN courses_coursecluster cl ON cl.id = c.cluster_id
WHERE c.id = %s AND {scope}
"""
PROGRAMME_SQL = """
SELECT s.id, pe.full_name, s.*, tp.*, l.*, pe.*, po.*
FROM courses_session s
LEFT JOIN courses_topic tp ON tp.id = s.topic_id
LEFT JOIN courses_sessionlecturer sl ON sl.session_id = s.id
LEFT JOIN people_lecturer l ON l.id = sl.lecturer_id
LEFT JOIN people_person pe ON pe.id = l.person_id
LEFT JOIN orgs_organization po ON po.id = pe.organization_id
WHERE s.course_id = %s
ORDER BY s.starts_at, s.id
"""
GUESTS_SQL = 'SELECT * FROM courses_courseguest WHERE course_id = %s ORDER BY "order", id'
# The rest of what the class page shows: co-organisers, audience and catchment units,
# the places card (quotas, waiting list) and the status history with who made each step.
LINKS_SQL = """
SELECT 0, o.name, o.sort_key, 0 FROM orgs_organization o
JOIN courses_course_co_organizers x ON x.organization_id = o.id WHERE x.course_id = %s
UNION ALL
SELECT 1, tc.name, tc.name, tc."order" FROM people_traineecategory tc
JOIN courses_course_audience x ON x.traineecategory_id = tc.id WHERE x.course_id = %s
UNION ALL
SELECT 2, u.name, u.sort_key, 0 FROM geo_adminunit u
JOIN courses_course_catchment_units x ON x.adminunit_id = u.id WHERE x.course_id = %s
ORDER BY 1, 4, 3
"""
QUOTAS_SQL = """
SELECT COUNT(*), SUM(places), SUM(CASE WHEN unit_id = %s THEN 1 ELSE 0 END)
FROM nominations_quota WHERE course_id = %s
"""
WAITING_SQL = """
SELECT SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END)
FROM nominations_nomination WHERE course_id = %s
"""
HISTORY_SQL = """
SELECT h.*, u.full_name FROM courses_coursestatuschange h
LEFT JOIN accounts_user u ON u.id = h.changed_by_id
WHERE h.course_id = %s ORDER BY h.changed_at, h.id
"""
MONTH_COURSES_SQL = """
SELECT c.*, o.*
FROM courses_course c
JOIN orgs_organization o ON o.id = c.owner_id
JOIN geo_adminunit t ON t.id = o.territory_id
WHERE c.start_date <= %s AND c.end_date >= %s AND {scope}
ORDER BY c.start_date, c.title, c.id
"""
MONTH_SESSIONS_SQL = """
SELECT s.*, c.*, tp.*
FROM courses_session s
JOIN courses_course c ON c.id = s.course_id
JOIN orgs_organization o ON o.id = c.owner_id
JOIN geo_adminunit t ON t.id = o.territory_id
LEFT JOIN courses_topic tp ON tp.id = s.topic_id
WHERE s.starts_at < %s AND s.ends_at > %s AND {scope}
ORDER BY s.starts_at, s.id
"""
FEED_LECTURER_SQL = """
SELECT l.*, pe.* FROM people_lecturer l JOIN people_person pe ON pe.id = l.person_id
WHERE l.feed_token = %s
"""
FEED_LECTURER_SESSIONS_SQL = """
SELECT s.*, c.*, tp.*, l.*, pe.*, po.*
FROM courses_sessionlecturer me
JOIN courses_session s ON s.id = me.session_id
JOIN courses_course c ON c.id = s.course_id
LEFT JOIN courses_topic tp ON tp.id = s.topic_id
JOIN courses_sessionlecturer sl ON sl.session_id = s.id
JOIN people_lecturer l ON l.id = sl.lecturer_id
JOIN people_person pe ON pe.id = l.person_id
LEFT JOIN orgs_organization po ON po.id = pe.organization_id
WHERE me.lecturer_id = %s
ORDER BY s.starts_at, s.id
"""
FEED_COURSE_SQL = "SELECT * FROM courses_course WHERE feed_token = %s"


@dataclass(frozen=True)
class Scope:
    """The WHERE clause of one user's visibility and its parameters ("1 = 1" for admins)."""

    sql: str
    params: tuple[str, ...]

    @classmethod
    def of(cls, territory: AdminUnit | None) -> Scope:
        if territory is None:
            return cls("1 = 1", ())
        prefix = f"{territory.path}%"
        if territory.edition != MapEdition.CURRENT:
            return cls("t.path LIKE %s", (prefix,))
        return cls(SCOPE_SQL, (prefix, prefix))


def _fetch(sql: str, params: Sequence[Any]) -> Rows:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass
class Target:
    """One page: its URL and client, the same data through the selectors and in raw SQL."""

    name: str
    url: str
    client: Client
    # The page's data through the project's selectors (ORM objects, no rendering).
    orm: Callable[[], object]
    raw: Callable[[], list[Rows]]
    # What the page must show of the raw rows: a short verdict, "ok" or what is missing.
    verify: Callable[[bytes, list[Rows]], str]


def _check_hrefs(content: bytes, ids: Sequence[int]) -> str:
    html = content.decode()
    missing = [pk for pk in ids if f'href="/courses/{pk}/"' not in html]
    return f"{len(ids)} rows ok" if not missing else f"MISSING {len(missing)} of {len(ids)}"


def _check_count(content: bytes, needle: str, expected: int) -> str:
    found = content.decode().count(needle)
    return f"{found} rows ok" if found == expected else f"MISMATCH {found} ≠ {expected}"


def _busy_month(built: Built, p_index: int) -> datetime.date:
    """The month with the most sessions of the province's classes."""
    per_month: Counter[datetime.date] = Counter(
        day.replace(day=1)
        for course_id, day, _ in built.session_rows
        if built.course_province[course_id] == p_index
    )
    return per_month.most_common(1)[0][0]


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _class_list(name: str, user: User) -> Target:
    """The first page of 50 and the count, as `courses.views.course_list` shows them."""
    scope = Scope.of(user.territory())
    page_sql, count_sql = LIST_SQL.format(scope=scope.sql), COUNT_SQL.format(scope=scope.sql)
    courses = selectors.course_list(user=user)

    def verify(content: bytes, rows: list[Rows]) -> str:
        return _check_hrefs(content, [row[0] for row in rows[0]])

    return Target(
        name=name,
        url="/courses/",
        client=_client(user),
        orm=lambda: (list(courses[:50]), courses.count()),
        raw=lambda: [_fetch(page_sql, scope.params), _fetch(count_sql, scope.params)],
        verify=verify,
    )


def _class_page(name: str, user: User, course: Course) -> Target:
    """One class with its programme (topics, lecturers), guests, co-organisers, audience,
    catchment, places card and status history: everything the page shows."""
    scope = Scope.of(user.territory())
    course_sql = COURSE_SQL.format(scope=scope.sql)
    related = Course.objects.select_related(
        "owner", "owner__territory", "plan", "venue_unit", "cluster"
    )

    def orm() -> object:
        found = get_for_user(related, user, course.pk)
        return (
            found,
            selectors.course_programme(found),
            selectors.course_links(found),
            list(selectors.course_guests(found)),
            Quota.objects.filter(course=found).aggregate(
                count=Count("pk"),
                places=Sum("places"),
                own=Count("pk", filter=Q(unit_id=user.organization_id)),
            ),
            found.nominations.aggregate(
                waitlisted=Count("pk", filter=Q(status=NominationStatus.WAITLISTED)),
                submitted=Count("pk", filter=Q(status=NominationStatus.SUBMITTED)),
            ),
            list(found.status_changes.select_related("changed_by")),
        )

    def raw() -> list[Rows]:
        pk = course.pk
        return [
            _fetch(course_sql, (pk, *scope.params)),
            _fetch(PROGRAMME_SQL, (pk,)),
            _fetch(GUESTS_SQL, (pk,)),
            _fetch(LINKS_SQL, (pk, pk, pk)),
            _fetch(QUOTAS_SQL, (user.organization_id, pk)),
            _fetch(WAITING_SQL, (pk,)),
            _fetch(HISTORY_SQL, (pk,)),
        ]

    def verify(content: bytes, rows: list[Rows]) -> str:
        html = content.decode()
        lecturers = {str(row[1]) for row in rows[1] if row[1]}
        shown = lecturers | {str(row[1]) for row in rows[3]}
        missing = [name for name in shown if name not in html]
        if missing or not rows[0]:
            return f"MISSING {missing or 'the class'}"
        return f"{len(rows[1])} sessions, {len(rows[3])} links, {len(rows[6])} steps ok"

    return Target(name, f"/courses/{course.pk}/", _client(user), orm, raw, verify)


def _month(name: str, user: User, first: datetime.date) -> Target:
    """The classes running in the month grid's weeks and their sessions."""
    scope = Scope.of(user.territory())
    start, end = calendar.month_span(first)
    since, until = calendar.local_bounds(start, end)
    ops = connection.ops
    dates = (ops.adapt_datefield_value(end), ops.adapt_datefield_value(start))
    moments = (ops.adapt_datetimefield_value(until), ops.adapt_datetimefield_value(since))
    courses_sql = MONTH_COURSES_SQL.format(scope=scope.sql)
    sessions_sql = MONTH_SESSIONS_SQL.format(scope=scope.sql)

    def orm() -> object:
        return (
            selectors.month_courses(user=user, start=start, end=end),
            selectors.month_sessions(user=user, start=since, end=until),
        )

    def verify(content: bytes, rows: list[Rows]) -> str:
        return _check_count(content, 'data-testid="calendar-session"', len(rows[1]))

    return Target(
        name=name,
        url=f"/calendar/?month={calendar.iso_month(first)}",
        client=_client(user),
        orm=orm,
        raw=lambda: [
            _fetch(courses_sql, (*dates, *scope.params)),
            _fetch(sessions_sql, (*moments, *scope.params)),
        ],
        verify=verify,
    )


def _feed_verify(content: bytes, rows: list[Rows]) -> str:
    return _check_count(content, "BEGIN:VEVENT", len({row[0] for row in rows[1]}))


def _lecturer_feed(name: str, lecturer: Lecturer) -> Target:
    """Every session the lecturer teaches, with the class and all its lecturers."""
    token = lecturer.feed_token

    def orm() -> object:
        found = Lecturer.objects.select_related("person").filter(feed_token=token).first()
        assert found is not None
        taught = SessionLecturer.objects.filter(lecturer=found).values("session_id")
        return selectors.feed_sessions(Session.objects.filter(pk__in=taught))

    def raw() -> list[Rows]:
        found = _fetch(FEED_LECTURER_SQL, (token,))
        return [found, _fetch(FEED_LECTURER_SESSIONS_SQL, (found[0][0],))]

    return Target(name, f"/feeds/lecturer/{token}.ics", _client(None), orm, raw, _feed_verify)


def _course_feed(name: str, course: Course) -> Target:
    """Every session of one class, with its lecturers."""
    token = course.feed_token

    def orm() -> object:
        found = Course.objects.filter(feed_token=token).first()
        assert found is not None
        return selectors.feed_sessions(Session.objects.filter(course_id=found.pk))

    def raw() -> list[Rows]:
        found = _fetch(FEED_COURSE_SQL, (token,))
        return [found, _fetch(PROGRAMME_SQL, (found[0][0],))]

    return Target(name, f"/feeds/course/{token}.ics", _client(None), orm, raw, _feed_verify)


def targets(built: Built, admin: User, manager: User, p_index: int) -> list[Target]:
    """The pages of the issue, for the province's manager, the administrator and the public."""
    province = built.provinces[p_index]
    scope = Scope.of(manager.territory())
    visible = _fetch(COUNT_SQL.format(scope=scope.sql), scope.params)[0][0]
    # A class of an old-map district committee: the manager sees it through the succession.
    course = (
        Course.objects.filter(owner__in=province.district_orgs, sessions__isnull=False)
        .order_by("-start_date", "pk")
        .distinct()
        .first()
    )
    assert course is not None
    lecturer = Lecturer.objects.get(pk=province.lecturer_ids[0])
    month = _busy_month(built, p_index)
    label = calendar.iso_month(month)
    return [
        _class_list(f"class list, province ({visible:,} visible)", manager),
        _class_list(f"class list, admin ({built.courses:,} visible)", admin),
        _class_page(f"class page #{course.pk}, province", manager, course),
        _month(f"calendar {label}, province", manager, month),
        _month(f"calendar {label}, admin", admin, month),
        _lecturer_feed(f"iCal lecturer #{lecturer.pk}", lecturer),
        _course_feed(f"iCal class #{course.pk}", course),
    ]
