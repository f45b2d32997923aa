# ruff: noqa: S608  (SQL built here from the script's own constants and unit paths)
"""Benchmark: the statistics selectors beside DuckDB on the same tables (issue #6).

Two readings, each timed through `stats.selectors` (what the pages call) and
beside DuckDB computing the same numbers from a copy of the same tables made in
the same run; the numbers must be equal (the run stops otherwise), then the
times and ratios are printed:

- province-year dashboard: a committee user of today's province (Đồng Nai,
  which took the old Bình Phước in 2025) for 2025 — summary with plans, and
  the breakdowns by level, sex, age band and category;
- national-decade summary: an administrator, 2017–2026 — summary with plans,
  and the year-over-year table.

Each reading is timed twice: through the pre-aggregates (`stats.models`,
refreshed first when stale — the refresh time is printed) and with them
switched off (live counts, what a page does while they are stale or for a
filter they do not answer). Goals on PostgreSQL: province-year ≤ 200 ms,
national-decade ≤ 2 s, never more than 2× DuckDB. A report, not a gate: the
exit code is 0 unless the numbers differ.

    .venv/bin/python bench/reports.py --scale province                 # temporary SQLite file
    .venv/bin/python bench/reports.py --scale province \\
        --database-url postgres://postgres@127.0.0.1:5432/stats_prov   # created and filled if empty
    .venv/bin/python bench/reports.py --scale national \\
        --database-url postgres://postgres@127.0.0.1:5432/stats_national

A PostgreSQL database named in `--database-url` is created when missing,
migrated, and filled with `generate_benchmark_data` when it holds no people;
it is kept (generation of the national scale takes minutes). Without a URL a
temporary SQLite file is used and removed at the end (`--keep` keeps it).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCE_GOAL_MS = 200.0
NATIONAL_GOAL_MS = 2000.0
RATIO_GOAL = 2.0
HELD = ("running", "completed", "reported")

# Columns copied into DuckDB: (table, select list, DuckDB column types).
TABLES: list[tuple[str, str, dict[str, str]]] = [
    (
        "geo_adminunit",
        "id, edition, path, covered_path",
        {"id": "BIGINT", "edition": "VARCHAR", "path": "VARCHAR", "covered_path": "VARCHAR"},
    ),
    ("orgs_organization", "id, territory_id", {"id": "BIGINT", "territory_id": "BIGINT"}),
    (
        "courses_course",
        "id, owner_id, status, start_date, level, kind, trainee_count, plan_id",
        {
            "id": "BIGINT",
            "owner_id": "BIGINT",
            "status": "VARCHAR",
            "start_date": "DATE",
            "level": "VARCHAR",
            "kind": "VARCHAR",
            "trainee_count": "BIGINT",
            "plan_id": "BIGINT",
        },
    ),
    (
        "nominations_enrollment",
        "id, course_id, person_id, status, CASE WHEN completed THEN 1 ELSE 0 END AS completed",
        {
            "id": "BIGINT",
            "course_id": "BIGINT",
            "person_id": "BIGINT",
            "status": "VARCHAR",
            "completed": "INTEGER",
        },
    ),
    (
        "people_person",
        "id, sex, birth_year",
        {"id": "BIGINT", "sex": "VARCHAR", "birth_year": "INTEGER"},
    ),
    (
        "people_person_categories",
        "person_id, traineecategory_id",
        {"person_id": "BIGINT", "traineecategory_id": "BIGINT"},
    ),
    (
        "planning_trainingplan",
        "id, issuer_id, year, classes_target",
        {"id": "BIGINT", "issuer_id": "BIGINT", "year": "INTEGER", "classes_target": "BIGINT"},
    ),
    (
        "planning_plantarget",
        "plan_id, category_id, trainees",
        {"plan_id": "BIGINT", "category_id": "BIGINT", "trainees": "BIGINT"},
    ),
]


# --- the database (chosen before Django is configured) -------------------------------------


def _ensure_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def _prepare(scale: str) -> float:
    """Migrate, load the map and generate the data when the database has none."""
    from django.core.management import call_command

    from geo.models import AdminUnit
    from people.models import Person

    call_command("migrate", verbosity=0)
    if not AdminUnit.objects.exists():
        call_command("load_geography", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if Person.objects.exists():
        print(f"data: kept from an earlier run ({Person.objects.count():,} people)")
        return 0.0
    started = time.perf_counter()
    call_command("generate_benchmark_data", scale=scale)
    return time.perf_counter() - started


# --- DuckDB --------------------------------------------------------------------------------


def _export(folder: Path) -> dict[str, Path]:
    """Each table's columns into a CSV file (COPY on PostgreSQL)."""
    from django.db import connection

    files = {}
    with connection.cursor() as cursor:
        for table, columns, _types in TABLES:
            path = folder / f"{table}.csv"
            select = f"SELECT {columns} FROM {table}"
            if connection.vendor == "postgresql":
                statement = f"COPY ({select}) TO STDOUT WITH CSV HEADER"
                with path.open("wb") as out, cursor.cursor.copy(statement) as copy:
                    for block in copy:
                        out.write(block)
            else:
                cursor.execute(select)
                with path.open("w", newline="") as out:
                    writer = csv.writer(out)
                    writer.writerow([c[0] for c in cursor.description])
                    while rows := cursor.fetchmany(50_000):
                        writer.writerows(rows)
            files[table] = path
    return files


def _duckdb_load(folder: Path) -> Any:
    import duckdb

    files = _export(folder)
    db = duckdb.connect()
    for table, _columns, types in TABLES:
        spec = ", ".join(f"'{name}': '{kind}'" for name, kind in types.items())
        db.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv('{files[table]}', "
            f"header = true, columns = {{{spec}}})"
        )
    return db


def _territory_sql(territory: Any) -> str:
    """The scope rule of core.scope.territory_units_q, in DuckDB."""
    if territory is None:
        return "TRUE"
    inside = f"u.path LIKE '{territory.path}%'"
    if territory.edition == "current":
        inside += f" OR u.covered_path LIKE '{territory.path}%'"
    return f"({inside})"


def _duck_courses(territory: Any, start: datetime.date, end: datetime.date) -> str:
    return f"""
        SELECT c.* FROM courses_course c
        JOIN orgs_organization o ON o.id = c.owner_id
        JOIN geo_adminunit u ON u.id = o.territory_id
        WHERE c.status IN {HELD} AND c.start_date BETWEEN DATE '{start}' AND DATE '{end}'
          AND {_territory_sql(territory)}
    """


def duck_summary(
    db: Any, territory: Any, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    courses = _duck_courses(territory, start, end)
    row = db.execute(f"""
        WITH c AS ({courses}),
        e AS (SELECT e.* FROM nominations_enrollment e JOIN c ON c.id = e.course_id
              WHERE e.status <> 'withdrawn')
        SELECT (SELECT count(*) FROM c),
               (SELECT count(DISTINCT person_id) FROM e),
               (SELECT count(*) FROM e),
               (SELECT count(*) FILTER (WHERE completed = 1) FROM e),
               (SELECT coalesce(sum(trainee_count), 0) FROM c WHERE NOT EXISTS (
                    SELECT 1 FROM nominations_enrollment x WHERE x.course_id = c.id))
    """).fetchone()
    plans = db.execute(f"""
        WITH p AS (
            SELECT p.id, p.classes_target FROM planning_trainingplan p
            JOIN orgs_organization o ON o.id = p.issuer_id
            JOIN geo_adminunit u ON u.id = o.territory_id
            WHERE p.year BETWEEN {start.year} AND {end.year} AND {_territory_sql(territory)}
        ),
        held AS (SELECT c.* FROM courses_course c JOIN p ON p.id = c.plan_id
                 WHERE c.status IN {HELD}),
        targets AS (
            SELECT plan_id, coalesce(sum(trainees) FILTER (WHERE category_id IS NULL),
                                     sum(trainees) FILTER (WHERE category_id IS NOT NULL), 0) AS t
            FROM planning_plantarget GROUP BY plan_id
        ),
        enrolled AS (SELECT h.plan_id, count(*) AS n FROM nominations_enrollment e
                     JOIN held h ON h.id = e.course_id WHERE e.status <> 'withdrawn'
                     GROUP BY h.plan_id),
        counted AS (SELECT plan_id, sum(trainee_count) AS n FROM held h WHERE NOT EXISTS (
                        SELECT 1 FROM nominations_enrollment x WHERE x.course_id = h.id)
                    GROUP BY plan_id),
        classes AS (SELECT plan_id, count(*) AS n FROM held GROUP BY plan_id)
        SELECT p.id, p.classes_target, coalesce(classes.n, 0), coalesce(targets.t, 0),
               coalesce(enrolled.n, 0) + coalesce(counted.n, 0)
        FROM p LEFT JOIN classes ON classes.plan_id = p.id
        LEFT JOIN targets ON targets.plan_id = p.id
        LEFT JOIN enrolled ON enrolled.plan_id = p.id
        LEFT JOIN counted ON counted.plan_id = p.id
        ORDER BY p.id
    """).fetchall()
    return {
        "figures": tuple(int(v) for v in row),
        "plans": sorted(tuple(int(v) for v in plan) for plan in plans),
    }


def duck_grouped(db: Any, territory: Any, start: datetime.date, end: datetime.date,
                 key: str, joins: str = "") -> dict[Any, tuple[int, int, int, int]]:  # fmt: skip
    """Classes, distinct trainees, person-times, completions per `key`, as DuckDB
    would be asked: the person table joined only when the key needs it, and the
    enrollments counted DISTINCT only where a join repeats them (categories)."""
    courses = _duck_courses(territory, start, end)
    person = "JOIN people_person p ON p.id = e.person_id" if "p." in key else ""
    repeats = "pc." in key
    times = "count(DISTINCT e.id)" if repeats else "count(*)"
    done = "count(DISTINCT e.id) FILTER (WHERE e.completed = 1)" if repeats else "sum(e.completed)"
    rows = db.execute(f"""
        WITH c AS ({courses})
        SELECT {key} AS k, count(DISTINCT e.course_id), count(DISTINCT e.person_id),
               {times}, {done}
        FROM nominations_enrollment e JOIN c ON c.id = e.course_id
        {person} {joins}
        WHERE e.status <> 'withdrawn'
        GROUP BY k
    """).fetchall()
    return {_key(k): (int(a), int(b), int(c), int(d or 0)) for k, a, b, c, d in rows}


def _key(value: Any) -> Any:
    return None if value in ("", None) else value


AGE_SQL = """CASE
    WHEN year(c.start_date) - p.birth_year BETWEEN 0 AND 29 THEN 'u30'
    WHEN year(c.start_date) - p.birth_year BETWEEN 30 AND 39 THEN '30-39'
    WHEN year(c.start_date) - p.birth_year BETWEEN 40 AND 49 THEN '40-49'
    WHEN year(c.start_date) - p.birth_year BETWEEN 50 AND 59 THEN '50-59'
    WHEN year(c.start_date) - p.birth_year BETWEEN 60 AND 200 THEN '60+'
    END"""


def duck_by_year(
    db: Any, territory: Any, start: datetime.date, end: datetime.date
) -> list[tuple[Any, ...]]:
    figures = duck_grouped(db, territory, start, end, "year(c.start_date)")
    classes = dict(
        db.execute(
            f"SELECT year(start_date), count(*) FROM ({_duck_courses(territory, start, end)}) c "
            "GROUP BY 1"
        ).fetchall()
    )
    rows = []
    for year in range(start.year, end.year + 1):
        _c, trainees, person_times, completions = figures.get(year, (0, 0, 0, 0))
        rows.append((year, int(classes.get(year, 0)), trainees, person_times, completions))
    best = max((r[2] for r in rows), default=0)
    record = next((r[0] for r in rows if r[2] == best), None) if best else None
    return [(*r, r[0] == record) for r in rows]


# --- the two readings --------------------------------------------------------------------


@dataclass
class Reading:
    name: str
    system: Callable[[], Any]
    duck: Callable[[], Any]
    goal_ms: float


def _rows(rows: list[Any]) -> dict[Any, tuple[int, int, int, int]]:
    return {r.key: (r.classes, r.trainees, r.person_times, r.completions) for r in rows}


def _summary_numbers(summary: Any) -> dict[str, Any]:
    return {
        "figures": (
            summary.classes,
            summary.trainees,
            summary.person_times,
            summary.completions,
            summary.reported_only,
        ),
        "plans": sorted(
            (p.plan_id, p.classes_target, p.classes_held, p.trainees_target, p.trainees_actual)
            for p in summary.plans
        ),
    }


def readings(db: Any) -> list[Reading]:
    from accounts.models import User, UserRole
    from core.roles import Role
    from geo.models import AdminUnit, Level, MapEdition
    from orgs.models import Organization, OrganizationKind
    from stats import selectors as s

    province = AdminUnit.objects.get(
        edition=MapEdition.CURRENT, level=Level.PROVINCE, name_folded="tinh dong nai"
    )
    committee = Organization.objects.filter(
        territory=province, kind=OrganizationKind.COMMITTEE
    ).first()
    assert committee is not None, "no committee of today's Đồng Nai: generate the data first"
    staff, _ = User.objects.get_or_create(
        username="bench.stats.dongnai", defaults={"organization": committee, "full_name": "Bench"}
    )
    UserRole.objects.get_or_create(user=staff, role=Role.COMMITTEE_STAFF)
    admin, _ = User.objects.get_or_create(
        username="bench.stats.admin", defaults={"is_superuser": True, "full_name": "Bench"}
    )
    year_start, year_end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    decade_start, decade_end = datetime.date(2017, 1, 1), datetime.date(2026, 12, 31)
    dimensions = {
        "level": ("c.level", ""),
        "sex": ("p.sex", ""),
        "age_band": (AGE_SQL, ""),
        "category": (
            "pc.traineecategory_id",
            "LEFT JOIN people_person_categories pc ON pc.person_id = e.person_id",
        ),
    }

    def province_system() -> dict[str, Any]:
        staff.forget_roles()
        f = s.stats_filter_for(staff, year=2025)
        result = {"summary": _summary_numbers(s.summary(staff, f))}
        for by in dimensions:
            result[by] = _rows(s.breakdown(staff, f, by))
        return result

    def province_duck() -> dict[str, Any]:
        result: dict[str, Any] = {"summary": duck_summary(db, province, year_start, year_end)}
        for by, (key, joins) in dimensions.items():
            result[by] = duck_grouped(db, province, year_start, year_end, key, joins)
        return result

    def national_system() -> dict[str, Any]:
        f = s.stats_filter_for(admin, start=decade_start, end=decade_end)
        return {
            "summary": _summary_numbers(s.summary(admin, f)),
            "years": [
                (r.year, r.classes, r.trainees, r.person_times, r.completions, r.is_record)
                for r in s.by_year(admin, f)
            ],
        }

    def national_duck() -> dict[str, Any]:
        return {
            "summary": duck_summary(db, None, decade_start, decade_end),
            "years": duck_by_year(db, None, decade_start, decade_end),
        }

    return [
        Reading("province-year dashboard (Tỉnh Đồng Nai, 2025)", province_system,
                province_duck, PROVINCE_GOAL_MS),
        Reading("national-decade summary (2017–2026)", national_system, national_duck,
                NATIONAL_GOAL_MS),
    ]  # fmt: skip


def _time(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    function()  # warm-up (and the value to compare)
    times = []
    value = None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=("tiny", "province", "national"), default="province")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="taphuan-stats-bench-"))
    if args.database_url:
        _ensure_postgres(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taphuan.settings")
    import django

    django.setup()
    from django.db import connection

    try:
        generated = _prepare(args.scale)
        from nominations.models import Enrollment
        from people.models import Person

        print(
            f"database: {connection.vendor} ({connection.settings_dict['NAME']}), "
            f"scale {args.scale}: {Person.objects.count():,} people, "
            f"{Enrollment.objects.count():,} enrollments"
            + (f", generated in {generated:.1f} s" if generated else "")
        )
        started = time.perf_counter()
        db = _duckdb_load(folder)
        print(f"DuckDB: same tables copied and loaded in {time.perf_counter() - started:.1f} s "
              "(not part of any figure below)")  # fmt: skip
        from stats import selectors
        from stats.services import aggregates_fresh, aggregates_refresh

        if not aggregates_fresh():
            seconds = aggregates_refresh()
            print(f"pre-aggregates refreshed in {seconds or 0:.1f} s (stale before this run)")
        else:
            print("pre-aggregates: current (no change since their last refresh)")
        failed = False
        for reading in readings(db):
            duck_ms, duck_value = _time(reading.duck, args.repeat)
            print(f"\n{reading.name}")
            print(f"  DuckDB (anchor)          {duck_ms:9.1f} ms (median of {args.repeat})")
            for label, aggregated in (("pre-aggregates", True), ("live counts", False)):
                selectors.USE_AGGREGATES = aggregated
                system_ms, system_value = _time(reading.system, args.repeat)
                equal = system_value == duck_value
                failed |= not equal
                ratio = system_ms / duck_ms if duck_ms else float("inf")
                verdict = ""
                if connection.vendor == "postgresql":
                    within = "PASS" if system_ms <= reading.goal_ms else "FAIL"
                    anchored = "PASS" if ratio <= RATIO_GOAL else "FAIL"
                    verdict = (f"  goal ≤ {reading.goal_ms:.0f} ms: {within}, "
                               f"≤ {RATIO_GOAL:.0f}× DuckDB: {anchored}")  # fmt: skip
                print(f"  {connection.vendor}, {label:<15}{system_ms:9.1f} ms  {ratio:6.2f}× "
                      f"numbers equal: {'yes' if equal else 'NO'}{verdict}")  # fmt: skip
                if not equal:
                    for key in system_value:
                        if system_value[key] != duck_value.get(key):
                            print(f"    {key}: system {str(system_value[key])[:300]}")
                            print(f"    {key}: duckdb {str(duck_value.get(key))[:300]}")
            selectors.USE_AGGREGATES = True
        return 1 if failed else 0
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep and not args.database_url:
            print(f"kept: DATABASE_URL=sqlite:///{folder / 'bench.sqlite3'}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
