"""Refresh of the statistics pre-aggregates and the check that they are current.

See `stats.models` for what is kept and why it stays exact: triggers log every
writing statement on the watched tables; the aggregates are used only while
they include every logged change and every trigger is in place.
"""

from __future__ import annotations

import contextlib
import datetime
import time
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from courses.models import HELD_STATUSES
from ingest.fastinsert import insert_rows
from stats.models import AggregateState, ChangeLog, CourseFigures, DimFigures, TraineeCell

# Tables whose changes can change a figure the aggregates hold.
WATCHED = (
    "nominations_enrollment",
    "courses_course",
    "orgs_organization",
    "geo_adminunit",
    # The breakdowns by sex, age, ethnicity, religion, theory level and category.
    "people_person",
    "people_person_categories",
)
COUNTRY_NODE = 0  # the node of "everything"
_ADVISORY_KEY = 640_601  # pg_advisory_xact_lock key of the refresh
_SQLITE_EVENTS = ("insert", "update", "delete")


def _trigger_sql() -> list[str]:
    log = ChangeLog._meta.db_table
    existing = set(connection.introspection.table_names())
    watched = [table for table in WATCHED if table in existing]  # a migration may run early
    if connection.vendor == "postgresql":
        statements = [
            "CREATE OR REPLACE FUNCTION stats_log_change() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN INSERT INTO {log} DEFAULT VALUES; RETURN NULL; END $$"
        ]
        for table in watched:
            # (A bulk load in the replica role skips these: it logs its change itself.)
            statements.append(
                f"CREATE OR REPLACE TRIGGER stats_change AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION stats_log_change()"
            )
        return statements
    # SQLite has row triggers only: one logged row already makes the aggregates
    # stale, so a bulk insert logs its first row and then only tests the log.
    return [
        f"CREATE TRIGGER IF NOT EXISTS stats_change_{table}_{event} AFTER {event.upper()} "  # noqa: S608
        f"ON {table} WHEN NOT EXISTS (SELECT 1 FROM {log}) "
        f"BEGIN INSERT INTO {log} (id) VALUES (NULL); END"
        for table in watched
        for event in _SQLITE_EVENTS
    ]


def _expected_triggers() -> int:
    return len(WATCHED) * (1 if connection.vendor == "postgresql" else len(_SQLITE_EVENTS))


def log_change() -> None:
    """Record a change made with the triggers off (a bulk load in the replica role)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {ChangeLog._meta.db_table} DEFAULT VALUES")


def triggers_install() -> None:
    """Create (or replace) the change-logging triggers; idempotent."""
    with connection.cursor() as cursor:
        for statement in _trigger_sql():
            cursor.execute(statement)


def triggers_remove() -> None:
    """Drop the triggers (before the log table goes: a migration back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in WATCHED:
                cursor.execute(f"DROP TRIGGER IF EXISTS stats_change ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS stats_log_change()")
            return
        for table in WATCHED:
            for event in _SQLITE_EVENTS:
                cursor.execute(f"DROP TRIGGER IF EXISTS stats_change_{table}_{event}")


def _triggers_sql() -> str:
    if connection.vendor == "postgresql":
        return (
            "SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'stats_change' "
            "AND NOT tgisinternal AND tgenabled <> 'D'"
        )
    return (
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stats_change_%'"
    )


def aggregates_fresh() -> bool:
    """Do the aggregates include every change so far, with every trigger in place? One query."""
    state = AggregateState._meta.db_table
    log = ChangeLog._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.computed, s.consumed + (SELECT COUNT(*) FROM {log}), "  # noqa: S608
            f"({_triggers_sql()}) FROM {state} s WHERE s.key = 'main'"
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return False
    computed, current, triggers = row
    return bool(computed == current and triggers == _expected_triggers())


def request_refresh() -> None:
    """Ask the task worker for a refresh (stale aggregates are never used meanwhile)."""
    from stats.tasks import refresh_aggregates

    # No task table (yet): the next `refresh_stats` or stale read will ask again.
    with contextlib.suppress(DatabaseError, OperationalError):
        if not _refresh_waiting(refresh_aggregates.module_path):
            refresh_aggregates.enqueue()


def _refresh_waiting(task_path: str) -> bool:
    """Is a refresh already queued and not started? (Then it will see this change:
    a queued refresh reads the data when it starts. A running one may not.)"""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path, status=TaskResultStatus.READY).exists()


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _year(value: Any) -> int:
    return value.year if isinstance(value, datetime.date) else int(str(value)[:4])


def _course_rows() -> list[tuple[Any, ...]]:
    held = ", ".join(f"'{status}'" for status in HELD_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.start_date, c.plan_id, c.trainee_count, u.path, u.covered_path, "  # noqa: S608
            "u.edition, COUNT(e.id), "
            "SUM(CASE WHEN e.status <> 'withdrawn' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN e.status <> 'withdrawn' AND e.completed THEN 1 ELSE 0 END) "
            "FROM courses_course c "
            "JOIN orgs_organization o ON o.id = c.owner_id "
            "JOIN geo_adminunit u ON u.id = o.territory_id "
            "LEFT JOIN nominations_enrollment e ON e.course_id = c.id "
            f"WHERE c.status IN ({held}) "
            "GROUP BY c.id, c.start_date, c.plan_id, c.trainee_count, u.path, u.covered_path, "
            "u.edition"
        )
        fetched = cursor.fetchall()
    rows = []
    for course_id, start, plan_id, head, path, covered, edition, any_rows, times, done in fetched:
        own = _path_ids(path)
        today = _path_ids(covered or "") if edition == "legacy" else []
        rows.append(
            (
                course_id,
                _year(start),
                plan_id,
                own[1] if len(own) > 1 else None,
                today[1] if len(today) > 1 else None,
                int(times or 0),
                int(done or 0),
                int(head or 0) if not any_rows else 0,
            )
        )
    return rows


# The breakdowns kept: dimension -> (SQL value of an enrollment row, extra join).
# Values are text; "" is "not given / unknown" (the selectors' None line).
_AGE = "(CAST({year} AS INTEGER) - p.birth_year)"
DIMENSIONS: dict[str, tuple[str, str]] = {
    "level": ("c.level", ""),
    "kind": ("c.kind", ""),
    "sex": ("COALESCE(p.sex, '')", ""),
    "ethnicity": ("COALESCE(p.ethnicity, '')", ""),
    "religion": ("COALESCE(p.religion, '')", ""),
    "theory_level": ("COALESCE(p.theory_level, '')", ""),
    "age_band": (
        "CASE WHEN p.birth_year IS NULL THEN '' "
        "WHEN {age} BETWEEN 0 AND 29 THEN 'u30' WHEN {age} BETWEEN 30 AND 39 THEN '30-39' "
        "WHEN {age} BETWEEN 40 AND 49 THEN '40-49' WHEN {age} BETWEEN 50 AND 59 THEN '50-59' "
        "WHEN {age} BETWEEN 60 AND 200 THEN '60+' ELSE '' END",
        "",
    ),
    "category": (
        "COALESCE(CAST(pc.traineecategory_id AS VARCHAR(20)), '')",
        "LEFT JOIN people_person_categories pc ON pc.person_id = e.person_id",
    ),
}


def _dim_value(dim: str) -> tuple[str, str]:
    """The value expression and the joins it needs (only those: the refresh reads millions)."""
    value, join = DIMENSIONS[dim]
    if "c." in value:
        join = f"JOIN courses_course c ON c.id = e.course_id {join}"
    if "p." in value:
        join = f"JOIN people_person p ON p.id = e.person_id {join}"
    return value.format(age=_AGE.format(year="f.year")), join


_CELLS_SQL = """
INSERT INTO {cells} (node, dim, value, year, prev_year, people)
SELECT node, '{dim}', value, year, COALESCE(prev, 0), COUNT(*) FROM (
    SELECT node, value, year,
           LAG(year) OVER (PARTITION BY node, value, person_id ORDER BY year) AS prev
    FROM ({people}) n
) l GROUP BY node, value, year, COALESCE(prev, 0)
"""
_PEOPLE_SQL = (
    "SELECT DISTINCT e.person_id, f.year, {node} AS node, {value} AS value "
    "FROM nominations_enrollment e "
    "JOIN {figures} f ON f.course_id = e.course_id {join} "
    "WHERE e.status <> 'withdrawn'{where}"
)
_DIM_SQL = (
    "INSERT INTO {table} (course_id, dim, value, person_times, completions) "
    "SELECT e.course_id, '{dim}', {value}, COUNT(*), "
    "SUM(CASE WHEN e.completed THEN 1 ELSE 0 END) "
    "FROM nominations_enrollment e "
    "JOIN {figures} f ON f.course_id = e.course_id {join} "
    "WHERE e.status <> 'withdrawn' GROUP BY e.course_id, {value}"
)


# Breakdowns by a value each person has whatever the year (their sex, ethnicity,
# religion, theory level, categories): a person's years in a node are the same for
# each such value, so their previous year is the one counted for everyone. Their
# cells are the base rows (node, person, year, previous year) grouped by the value,
# with no sort or window of their own (a national refresh spent most of its time there).
PERSON_DIMS = ("sex", "ethnicity", "religion", "theory_level", "category")
_BASE = "stats_refresh_base"
_BASE_SQL = """
INSERT INTO {base} (node, person_id, year, prev_year)
SELECT node, person_id, year, COALESCE(prev, 0) FROM (
    SELECT node, person_id, year,
           LAG(year) OVER (PARTITION BY node, person_id ORDER BY year) AS prev
    FROM ({people}) n
) l
"""
_PERSON_CELLS_SQL = """
INSERT INTO {cells} (node, dim, value, year, prev_year, people)
SELECT b.node, '{dim}', {value}, b.year, b.prev_year, COUNT(*)
FROM {base} b {join}
GROUP BY b.node, {value}, b.year, b.prev_year
"""


def _people_sql(value: str, join: str) -> list[str]:
    """Distinct (person, year, node, value) of the held classes: the country node, then
    the province nodes on both maps (one statement each)."""
    figures = CourseFigures._meta.db_table
    everyone = _PEOPLE_SQL.format(
        node=COUNTRY_NODE, value=value, figures=figures, join=join, where=""
    )
    provinces = " UNION ".join(
        _PEOPLE_SQL.format(
            node=f"f.{column}",
            value=value,
            figures=figures,
            join=join,
            where=f" AND f.{column} IS NOT NULL",
        )
        for column in ("node_then", "node_today")
    )
    return [everyone, provinces]


def _person_join(value: str) -> str:
    """The joins a person value needs, from the base rows' person."""
    if "pc." in value:
        return "LEFT JOIN people_person_categories pc ON pc.person_id = b.person_id"
    return "JOIN people_person p ON p.id = b.person_id"


def _cells() -> None:
    cells = TraineeCell._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Reporting-sized sorts and hashes for this transaction only.
            cursor.execute("SET LOCAL work_mem = '768MB'")
        cursor.execute(f"DROP TABLE IF EXISTS {_BASE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_BASE} "
            "(node BIGINT NOT NULL, person_id BIGINT NOT NULL, "
            "year INTEGER NOT NULL, prev_year INTEGER NOT NULL)"
        )
        for people in _people_sql("''", ""):
            cursor.execute(_BASE_SQL.format(base=_BASE, people=people))
        cursor.execute(
            f"INSERT INTO {cells} (node, dim, value, year, prev_year, people) "  # noqa: S608
            f"SELECT node, '', '', year, prev_year, COUNT(*) FROM {_BASE} "
            "GROUP BY node, year, prev_year"
        )
        for dim in DIMENSIONS:
            value, join = _dim_value(dim)
            if dim in PERSON_DIMS:
                cursor.execute(
                    _PERSON_CELLS_SQL.format(
                        cells=cells, dim=dim, value=value, base=_BASE, join=_person_join(value)
                    )
                )
            else:
                for people in _people_sql(value, join):
                    cursor.execute(_CELLS_SQL.format(cells=cells, dim=dim, people=people))
            cursor.execute(
                _DIM_SQL.format(
                    table=DimFigures._meta.db_table,
                    dim=dim,
                    value=value,
                    figures=CourseFigures._meta.db_table,
                    join=join,
                )
            )
        cursor.execute(f"DROP TABLE {_BASE}")


def aggregates_refresh() -> float | None:
    """Recompute the aggregates from the live tables in one consistent snapshot.

    Returns the seconds it took, or None when another refresh is running
    (PostgreSQL) — that one will leave them current.
    """
    started = time.perf_counter()
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if outermost:
                    # One snapshot for the log and the data it describes (inside an
                    # outer transaction, as in tests, that transaction's own).
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_ADVISORY_KEY])
                if not cursor.fetchone()[0]:
                    return None
            cursor.execute(_triggers_sql())
            if cursor.fetchone()[0] != _expected_triggers():
                triggers_install()
            state, _created = AggregateState.objects.get_or_create(key="main")
            cursor.execute(f"DELETE FROM {ChangeLog._meta.db_table}")  # noqa: S608
            folded = max(cursor.rowcount, 0)
            cursor.execute(f"DELETE FROM {CourseFigures._meta.db_table}")  # noqa: S608
            cursor.execute(f"DELETE FROM {TraineeCell._meta.db_table}")  # noqa: S608
            cursor.execute(f"DELETE FROM {DimFigures._meta.db_table}")  # noqa: S608
            insert_rows(
                CourseFigures,
                [
                    "course_id",
                    "year",
                    "plan_id",
                    "node_then",
                    "node_today",
                    "person_times",
                    "completions",
                    "head_count",
                ],
                _course_rows(),
            )
            _cells()
            seconds = time.perf_counter() - started
            state.consumed += folded
            state.computed = state.consumed
            state.refreshed_at = timezone.now()
            state.seconds = seconds
            state.save()
    except OperationalError as error:
        # PostgreSQL: a refresh committed between our snapshot and our lock.
        if getattr(error.__cause__, "sqlstate", "") == "40001":
            return None
        raise
    return seconds
