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
from django.test import Client

from accounts.models import User
from bench.support.data import Built
from courses import calendar
from courses.models import Course
from geo.models import AdminUnit, MapEdition
from people.models import Lecturer

Rows = list[tuple[Any, ...]]

# The scope of a committee on today's map, by hand: its units by path prefix, and
# the old units all of whose successors lie inside it (core.scope.territory_units_q).
SCOPE_SQL = """(
    t.path LIKE %s
    OR o.territory_id IN (
        SELECT su.predecessor_id FROM geo_unitsuccession su
        JOIN geo_adminunit sa ON sa.id = su.successor_id
        WHERE sa.path LIKE %s AND su.predecessor_id NOT IN (
            SELECT sx.predecessor_id FROM geo_unitsuccession sx
            JOIN geo_adminunit sb ON sb.id = sx.successor_id
            WHERE NOT (sb.path LIKE %s)
        )
    )
)"""

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
        return cls(SCOPE_SQL, (prefix, prefix, prefix))


def _fetch(sql: str, params: Sequence[Any]) -> Rows:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass
class Target:
    """One page: its URL, the client that asks for it, its raw-SQL anchor and a data check."""

    name: str
    url: str
    client: Client
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


def targets(built: Built, admin: User, manager: User, p_index: int) -> list[Target]:
    """The pages of the issue, for the province's manager, the administrator and the public."""
    ops = connection.ops
    province = built.provinces[p_index]
    territory = manager.territory()
    assert territory is not None
    scoped, everything = Scope.of(territory), Scope.of(None)
    admin_client, manager_client, public = Client(), Client(), Client()
    admin_client.force_login(admin)
    manager_client.force_login(manager)

    def list_raw(scope: Scope) -> Callable[[], list[Rows]]:
        page_sql, count_sql = LIST_SQL.format(scope=scope.sql), COUNT_SQL.format(scope=scope.sql)
        return lambda: [_fetch(page_sql, scope.params), _fetch(count_sql, scope.params)]

    def list_verify(content: bytes, rows: list[Rows]) -> str:
        return _check_hrefs(content, [row[0] for row in rows[0]])

    # A class of an old-map district committee: visible through the map succession.
    course = (
        Course.objects.filter(owner__in=province.district_orgs, sessions__isnull=False)
        .order_by("-start_date", "pk")
        .distinct()
        .first()
    )
    assert course is not None
    course_sql = COURSE_SQL.format(scope=scoped.sql)

    def course_raw() -> list[Rows]:
        return [
            _fetch(course_sql, (course.pk, *scoped.params)),
            _fetch(PROGRAMME_SQL, (course.pk,)),
            _fetch(GUESTS_SQL, (course.pk,)),
        ]

    def course_verify(content: bytes, rows: list[Rows]) -> str:
        html = content.decode()
        names = {str(row[1]) for row in rows[1]}
        missing = [n for n in names if n not in html]
        sessions = len(rows[1])
        return (
            f"{sessions} sessions ok"
            if not missing and rows[0]
            else f"MISSING {missing or 'the class'}"
        )

    first = _busy_month(built, p_index)
    start, end = calendar.month_span(first)
    since, until = calendar.local_bounds(start, end)

    def month_raw(scope: Scope) -> Callable[[], list[Rows]]:
        courses_sql = MONTH_COURSES_SQL.format(scope=scope.sql)
        sessions_sql = MONTH_SESSIONS_SQL.format(scope=scope.sql)
        dates = (ops.adapt_datefield_value(end), ops.adapt_datefield_value(start))
        moments = (ops.adapt_datetimefield_value(until), ops.adapt_datetimefield_value(since))
        return lambda: [
            _fetch(courses_sql, (*dates, *scope.params)),
            _fetch(sessions_sql, (*moments, *scope.params)),
        ]

    def month_verify(content: bytes, rows: list[Rows]) -> str:
        return _check_count(content, 'data-testid="calendar-session"', len(rows[1]))

    lecturer = Lecturer.objects.get(pk=province.lecturer_ids[0])

    def lecturer_raw() -> list[Rows]:
        found = _fetch(FEED_LECTURER_SQL, (lecturer.feed_token,))
        return [found, _fetch(FEED_LECTURER_SESSIONS_SQL, (found[0][0],))]

    def course_feed_raw() -> list[Rows]:
        found = _fetch(FEED_COURSE_SQL, (course.feed_token,))
        return [found, _fetch(PROGRAMME_SQL, (found[0][0],))]

    def feed_verify(content: bytes, rows: list[Rows]) -> str:
        return _check_count(content, "BEGIN:VEVENT", len({row[0] for row in rows[1]}))

    month = calendar.iso_month(first)
    visible = _fetch(COUNT_SQL.format(scope=scoped.sql), scoped.params)[0][0]
    return [
        Target(
            f"class list, province ({visible:,} visible)",
            "/courses/",
            manager_client,
            list_raw(scoped),
            list_verify,
        ),
        Target(
            f"class list, admin ({built.courses:,} visible)",
            "/courses/",
            admin_client,
            list_raw(everything),
            list_verify,
        ),
        Target(
            f"class page #{course.pk}, province",
            f"/courses/{course.pk}/",
            manager_client,
            course_raw,
            course_verify,
        ),
        Target(
            f"calendar {month}, province",
            f"/calendar/?month={month}",
            manager_client,
            month_raw(scoped),
            month_verify,
        ),
        Target(
            f"calendar {month}, admin",
            f"/calendar/?month={month}",
            admin_client,
            month_raw(everything),
            month_verify,
        ),
        Target(
            f"iCal lecturer #{lecturer.pk}",
            f"/feeds/lecturer/{lecturer.feed_token}.ics",
            public,
            lecturer_raw,
            feed_verify,
        ),
        Target(
            f"iCal class #{course.pk}",
            f"/feeds/course/{course.feed_token}.ics",
            public,
            course_feed_raw,
            feed_verify,
        ),
    ]
