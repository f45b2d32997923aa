"""Benchmark: import a 100,000-row roster (.xlsx) end to end, beside its floor and a common tool.

Builds a throw-away database (a temporary SQLite file, or a fresh PostgreSQL
database with `--database-url postgres://...`), generates a real-looking
roster (not timed, in a child process so that its memory does not count),
then measures in the same run:

- **end to end**: `ingest` reading the file, checking every row (names, dates,
  CCCD, phones, units, categories), de-duplicating inside the file and against
  the registry, and writing people, categories and history in one transaction;
- **floor**: python-calamine reading the same file plus a raw bulk insert of
  what its rows hold — the people (as the file has them: no derived columns,
  no units resolved), their category links and their roster memberships — with
  no checks and no history: `executemany` on SQLite, `COPY` on PostgreSQL,
  each backend's fastest raw path (the ratio against calamine + the people
  insert alone is printed too);
- **django-import-export**: a `ModelResource` on Person importing the same
  file (capped at `--iie-rows` unless `--iie-full`; a capped run is printed as
  such, with its extrapolation).

Goals (issue #4): end to end ≤ 15 s, ≤ 3× the floor, ≥ 10× faster than
django-import-export, peak memory < 1 GB. The exit code is 0 either way.

    .venv/bin/python bench/import_people.py
    .venv/bin/python bench/import_people.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.classes import Database, _database  # noqa: E402

GOAL_SECONDS = 15.0
GOAL_FLOOR_RATIO = 3.0
GOAL_TOOL_RATIO = 10.0
GOAL_MEMORY_MB = 1024.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup_django(url: str) -> None:
    os.chdir(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "taphuan.settings"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


def _generate(path: Path, rows: int, territory_pk: int) -> None:
    """Child process: write the roster file (its memory stays out of the measurement)."""
    from bench.support.rosters import people_rows, places, xlsx_bytes
    from geo.models import AdminUnit

    territory = AdminUnit.objects.get(pk=territory_pk)
    path.write_bytes(xlsx_bytes(people_rows(rows, places(territory))))


def _wipe_people() -> None:
    from django.db import transaction

    from people.models import Person, PersonChange, RosterMember

    with transaction.atomic():
        RosterMember.objects.all().delete()
        PersonChange.objects.all().delete()
        Person.categories.through.objects.all().delete()
        Person.objects.all()._raw_delete(Person.objects.db)
    from django.db import connection

    if connection.vendor == "postgresql":
        # Each run starts on tables as clean as the first one's (no dead index entries).
        with connection.cursor() as cursor:
            for table in ("people_person", "people_person_categories", "people_personchange",
                          "people_rostermember"):  # fmt: skip
                cursor.execute(f"VACUUM ANALYZE {table}")


def _copy_or_executemany(cursor: Any, table: str, columns: str, rows: list[Any]) -> None:
    """Each backend's fastest raw bulk path: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns.split(",")))
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _floor(data: bytes, owner_id: int, roster_id: int) -> tuple[float, float, float, int]:
    """calamine read + raw bulk inserts of what the rows hold, no checks, no history.

    Returns (read s, people insert s, category links + roster members insert s,
    rows). The people are inserted as the file has them (no derived columns,
    no units resolved); the links and memberships are what make the file a
    roster of people in categories.
    """
    import io

    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from people.models import TraineeCategory

    started = time.perf_counter()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    read = time.perf_counter() - started
    categories = dict(TraineeCategory.objects.values_list("name", "pk"))
    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        first = int(cursor.fetchone()[0]) + 1
        people: list[Any] = []
        links: list[Any] = []
        members: list[Any] = []
        for pk, row in enumerate(rows[1:], start=first):
            parts = str(row[1]).split(" ")
            birth: Any = row[2]
            if isinstance(birth, str):
                day, month, year = birth.split("/")
                birth = datetime.date(int(year), int(month), int(day))
            elif isinstance(birth, datetime.datetime):
                birth = birth.date()
            people.append(
                (pk, parts[0], " ".join(parts[1:-1]), parts[-1], row[1], "", "",
                 "nu" if row[3] == "Nữ" else "nam", birth, birth.year, "", "", str(row[4]),
                 str(row[7]), "", str(row[8]), "", False, "", owner_id, now, now)
            )  # fmt: skip
            links.append((pk, categories[str(row[11])]))
            members.append((roster_id, pk, now))
        _copy_or_executemany(
            cursor,
            "people_person",
            "id, family_name, middle_name, given_name, full_name, name_folded, sort_key, sex, "
            "birth_date, birth_year, ethnicity, religion, citizen_id, phone, email, position, "
            "theory_level, is_party_member, identity_key, owner_id, created_at, updated_at",
            people,
        )
        people_seconds = time.perf_counter() - started
        started = time.perf_counter()
        _copy_or_executemany(
            cursor, "people_person_categories", "person_id, traineecategory_id", links
        )
        _copy_or_executemany(
            cursor, "people_rostermember", "roster_id, person_id, added_at", members
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('people_person', 'id'), MAX(id)) "
                "FROM people_person"
            )
    # The commit (and PostgreSQL's deferred foreign-key checks) belongs to the links.
    return read, people_seconds, time.perf_counter() - started, len(people)


def _end_to_end(data: bytes, owner: Any, actor: Any, roster: Any) -> dict[str, Any]:
    """The import's own pipeline, phase by phase (the same calls `import_table` makes)."""
    from django.db import transaction
    from django.utils import timezone

    from ingest.checking import Checker
    from ingest.reading import read_table
    from ingest.writing import Writer

    times: dict[str, Any] = {}
    started = time.perf_counter()
    table = read_table(data)
    times["read"] = time.perf_counter() - started
    started = time.perf_counter()
    checker = Checker(actor=actor, owner=owner, today=timezone.localdate())
    result = checker.check(table)
    times["check"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        written = Writer(checker=checker, owner=owner, actor=actor, source="roster.xlsx").write(
            result, roster=roster
        )
    times["write"] = time.perf_counter() - started
    times["total"] = times["read"] + times["check"] + times["write"]
    times["counts"] = result.counts
    times["errors"] = len(result.errors)
    times["written"] = written.as_dict()
    return times


def _iie(data: bytes, owner: Any, cap: int) -> tuple[float, float, int, int, int]:
    """django-import-export: (load s, import s, rows imported, rows in file, errors)."""
    import tablib  # type: ignore[import-untyped]
    from import_export import fields, resources, widgets  # type: ignore[import-untyped]

    from core.text import fold
    from people.identity import person_fill_derived, split_full_name
    from people.models import Person, TraineeCategory
    from people.reference import ETHNICITIES, RELIGIONS

    ethnicities = {fold(name): code for code, name, _a in ETHNICITIES}
    religions = {fold(name): code for code, name, _a in RELIGIONS}

    class PersonResource(resources.ModelResource):
        full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
        birth_date = fields.Field(
            attribute="birth_date", column_name="Ngày sinh", widget=widgets.DateWidget("%d/%m/%Y")
        )
        sex = fields.Field(attribute="sex", column_name="Giới tính")
        citizen_id = fields.Field(attribute="citizen_id", column_name="Số CCCD")
        ethnicity = fields.Field(attribute="ethnicity", column_name="Dân tộc")
        religion = fields.Field(attribute="religion", column_name="Tôn giáo")
        phone = fields.Field(attribute="phone", column_name="Điện thoại")
        position = fields.Field(attribute="position", column_name="Chức vụ")
        categories = fields.Field(
            attribute="categories",
            column_name="Đối tượng",
            widget=widgets.ManyToManyWidget(TraineeCategory, separator=";", field="name"),
        )

        class Meta:
            model = Person
            import_id_fields = ("citizen_id",)
            fields = (
                "full_name",
                "birth_date",
                "sex",
                "citizen_id",
                "ethnicity",
                "religion",
                "phone",
                "position",
                "categories",
            )

        def before_save_instance(self, instance: Person, row: Any, **kwargs: Any) -> None:
            family, middle, given = split_full_name(instance.full_name)
            instance.family_name, instance.middle_name, instance.given_name = family, middle, given
            instance.sex = "nu" if fold(instance.sex) == "nu" else "nam"
            instance.ethnicity = ethnicities.get(fold(instance.ethnicity), "")
            instance.religion = religions.get(fold(instance.religion), "")
            instance.owner = owner
            person_fill_derived(instance)

    started = time.perf_counter()
    dataset = tablib.Dataset().load(data, format="xlsx")
    load = time.perf_counter() - started
    total_rows = len(dataset)
    if cap and cap < total_rows:
        capped = tablib.Dataset(*dataset[:cap], headers=dataset.headers)
    else:
        capped = dataset
    started = time.perf_counter()
    result = PersonResource().import_data(capped, dry_run=False, raise_errors=False)
    seconds = time.perf_counter() - started
    errors = len(result.row_errors()) + len(result.invalid_rows)
    return load, seconds, len(capped), total_rows, errors


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="postgres://… (default: SQLite)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--iie-rows",
        type=int,
        default=5_000,
        help="rows django-import-export imports (extrapolated to the file; 0 = all)",
    )
    parser.add_argument("--iie-full", action="store_true", help="django-import-export on all rows")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--generate", nargs=3, metavar=("PATH", "ROWS", "TERRITORY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    if args.generate:
        _setup_django(os.environ["DATABASE_URL"])
        _generate(Path(args.generate[0]), int(args.generate[1]), int(args.generate[2]))
        return 0
    with _database(args.database_url, keep=args.keep) as database:
        _setup_django(database.url)
        run(args, database)
    return 0


def run(args: argparse.Namespace, database: Database) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User, UserRole
    from core.roles import Role
    from core.text import fold, sort_key
    from geo.loader import geography_load
    from geo.models import AdminUnit, Level, MapEdition
    from orgs.models import Organization, OrganizationKind
    from people.models import Person, PersonChange, Roster, RosterMember, TraineeCategory
    from people.reference import seed_trainee_categories

    print(f"bench/import_people.py on {connection.vendor}: {database.label}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    geography_load()
    seed_trainee_categories(TraineeCategory)
    print(f"migrated, map and categories loaded ({time.perf_counter() - started:.1f} s)")
    territory = AdminUnit.objects.get(
        edition=MapEdition.CURRENT, level=Level.PROVINCE, name_folded="tinh dong nai"
    )
    name = "Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai"
    owner = Organization.objects.create(
        kind=OrganizationKind.COMMITTEE,
        name=name,
        territory=territory,
        name_folded=fold(name),
        sort_key=sort_key(name),
    )
    actor = User.objects.create(username="bench", full_name="Bench", organization=owner)
    UserRole.objects.create(user=actor, role=Role.COMMITTEE_MANAGER)
    with tempfile.TemporaryDirectory(prefix="taphuan-import-") as folder:
        path = Path(folder) / "roster.xlsx"
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - this script with its own arguments
            [sys.executable, __file__, "--generate", str(path), str(args.rows), str(territory.pk)],
            check=True,
            env={**os.environ, "DATABASE_URL": database.url},
        )
        data = path.read_bytes()
    print(
        f"generated {args.rows:,} rows, {len(data) / 1024 / 1024:.1f} MB .xlsx "
        f"in {time.perf_counter() - started:.1f} s (not timed)\n"
        f"Django {django.get_version()}, {connection.vendor}; actor: a committee manager of "
        f"{owner.name} (scope checks included)\n",
        flush=True,
    )
    rss_before = _rss_mb()
    # 1. The floor.
    roster = Roster.objects.create(
        name="Tổ trưởng tổ dân vận tỉnh Đồng Nai",
        owner=owner,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    floor_read, floor_insert, floor_links, floor_rows = _floor(data, owner.pk, roster.pk)
    floor = floor_read + floor_insert + floor_links
    _wipe_people()
    # 2. End to end.
    rss_start = _rss_mb()
    e2e = _end_to_end(data, owner, actor, roster)
    rss_peak = _rss_mb()
    people, changes = Person.objects.count(), PersonChange.objects.count()
    members = RosterMember.objects.count()
    _wipe_people()
    # 3. django-import-export.
    cap = 0 if args.iie_full else args.iie_rows
    iie_load, iie_import, iie_rows, iie_total, iie_errors = _iie(data, owner, cap)
    capped = iie_rows < iie_total
    iie_seconds = iie_load + iie_import * (iie_total / iie_rows)
    iie_people = Person.objects.count()

    print(f"{'measure':<44} {'seconds':>8}  rows")
    print("-" * 66)
    print(f"{'floor: calamine read':<44} {floor_read:8.2f}  {floor_rows:,}")
    print(f"{'floor: raw bulk INSERT people_person':<44} {floor_insert:8.2f}  {floor_rows:,}")
    label = "floor: raw bulk INSERT categories + members"
    print(f"{label:<44} {floor_links:8.2f}  {2 * floor_rows:,}")
    print(f"{'floor total':<44} {floor:8.2f}")
    print(f"{'ingest: read (sniff, zip guard, calamine)':<44} {e2e['read']:8.2f}")
    print(f"{'ingest: check (parse, validate, dedupe)':<44} {e2e['check']:8.2f}")
    print(f"{'ingest: write (people, links, history, roster)':<44} {e2e['write']:8.2f}")
    print(f"{'ingest end to end':<44} {e2e['total']:8.2f}  {sum(e2e['counts'].values()):,}")
    label = "django-import-export: tablib load (all rows)"
    print(f"{label:<44} {iie_load:8.2f}  {iie_total:,}")
    label = f"django-import-export: import_data{' (CAPPED)' if capped else ''}"
    print(f"{label:<44} {iie_import:8.2f}  {iie_rows:,} ({iie_errors} row errors)")
    if capped:
        print(
            f"{'django-import-export, EXTRAPOLATED to file':<44} {iie_seconds:8.2f}  {iie_total:,}"
            f"\n  (capped run: load of all rows + import time × {iie_total / iie_rows:.0f}; "
            "use --iie-full to time every row)"
        )
    else:
        print(f"{'django-import-export total':<44} {iie_seconds:8.2f}  {iie_total:,}")
    print(
        f"\nwritten by ingest: {people:,} people, {changes:,} history rows, "
        f"{members:,} roster members; "
        f"outcomes {e2e['counts']}; errors {e2e['errors']}"
    )
    print(f"written by django-import-export: {iie_people:,} people (no units, no history)")
    ratio_floor = e2e["total"] / floor
    people_floor = floor_read + floor_insert
    print(
        f"\nend to end / floor = {ratio_floor:.2f}×; against calamine + the people insert "
        f"alone ({people_floor:.2f} s): {e2e['total'] / people_floor:.2f}×"
    )
    ratio_tool = iie_seconds / e2e["total"]
    print(
        f"\npeak memory (ru_maxrss of this process): {rss_peak:.0f} MB "
        f"(before the runs {rss_before:.0f} MB, before end to end {rss_start:.0f} MB)"
    )
    checks = [
        (f"end to end {e2e['total']:.2f} s ≤ {GOAL_SECONDS:g} s", e2e["total"] <= GOAL_SECONDS),
        (
            f"end to end / floor = {ratio_floor:.2f}× ≤ {GOAL_FLOOR_RATIO:g}×",
            ratio_floor <= GOAL_FLOOR_RATIO,
        ),
        (
            f"django-import-export / end to end = {ratio_tool:.1f}× ≥ {GOAL_TOOL_RATIO:g}×"
            + (" (extrapolated)" if capped else ""),
            ratio_tool >= GOAL_TOOL_RATIO,
        ),
        (f"peak memory {rss_peak:.0f} MB < {GOAL_MEMORY_MB:g} MB", rss_peak < GOAL_MEMORY_MB),
    ]
    print()
    for text, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    missed = [text for text, passed in checks if not passed]
    print("\nGOAL MISSED: " + "; ".join(missed) if missed else "\nAll goals met.")


if __name__ == "__main__":
    sys.exit(main())
