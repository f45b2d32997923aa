"""Benchmark: 10,000 classes, 60,000 sessions; pages against the same data in raw SQL.

Builds realistic data in a throw-away database (a temporary SQLite file, or a
fresh PostgreSQL database with `--database-url postgres://...`), then times the
class list, a class page, a calendar month and the iCal feeds through the test
client, each beside the same rows fetched with hand-written SQL on the same
connection in the same run. The goal (issue: "pages must stay within 3× the
raw-SQL time") is reported as PASS/FAIL; the exit code is 0 either way: this is
a report, not a gate.

    .venv/bin/python bench/classes.py
    .venv/bin/python bench/classes.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpResponse
    from django.test import Client

    from accounts.models import User
    from courses.models import Course, Session
    from geo.models import AdminUnit
    from orgs.models import Organization

ROOT = Path(__file__).resolve().parent.parent
GOAL = 3.0  # a page may take at most this many times its raw SQL

# Ten years of classes; the map changed on 1 July 2025 (REFORM_DATE): classes
# before are owned by committees of the old map, classes after by the new ones.
FIRST_DAY = datetime.date(2017, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)
PROVINCES = 20
DISTRICTS_PER_PROVINCE = 8  # + the province committee + the new-map committee = 10 orgs
TOPICS_PER_PROVINCE = 15
SESSIONS_PER_CLASS = 6
BATCH = 2000

KIND_TITLES = {
    "training": "Lớp bồi dưỡng nghiệp vụ công tác dân vận",
    "topical": "Lớp tập huấn chuyên đề",
    "conference": "Hội nghị tập huấn",
}
AUDIENCES = (
    "cho cán bộ chủ chốt cấp xã",
    "cho tổ trưởng tổ dân vận",
    "cho bí thư chi bộ",
    "cho trưởng thôn, tổ trưởng tổ dân phố",
    "cho cán bộ Mặt trận và đoàn thể",
    "cho báo cáo viên cơ sở",
    "cho cán bộ làm công tác dân vận chính quyền",
    "cho đoàn viên, hội viên nòng cốt",
)
SUBJECTS = (
    "Công tác dân vận của hệ thống chính trị",
    "Thực hiện dân chủ ở cơ sở",
    "Phong trào thi đua “Dân vận khéo”",
    "Kỹ năng vận động quần chúng",
    "Công tác dân tộc, tôn giáo",
    "Nắm bắt tình hình nhân dân",
    "Đối thoại trực tiếp với nhân dân",
    "Tiếp công dân, giải quyết khiếu nại ở cơ sở",
    "Xây dựng nông thôn mới, đô thị văn minh",
    "Chuyển đổi số trong công tác dân vận",
    "Công tác dân vận chính quyền",
    "Dân vận trong lực lượng vũ trang",
    "Kỹ năng tuyên truyền miệng",
    "Đấu tranh với thông tin xấu độc trên mạng xã hội",
    "Vận động đồng bào có đạo",
)
ASPECTS = (
    "những vấn đề chung",
    "kinh nghiệm thực tiễn",
    "kỹ năng thực hành",
    "tình huống điển hình",
    "văn bản mới",
    "phương pháp tiếp cận",
    "nhiệm vụ trọng tâm",
    "đánh giá kết quả",
    "giải pháp nâng cao hiệu quả",
    "bài học kinh nghiệm",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Thu", "Ngọc", "Xuân", "Thị Minh")
GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương",
    "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quang", "Sơn", "Tâm",
    "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến",
)  # fmt: skip
POSITIONS = (
    "Phó Trưởng Ban Dân vận",
    "Trưởng phòng Nghiệp vụ",
    "Giảng viên chính",
    "Chuyên viên chính",
    "Báo cáo viên",
    "",
)
ACADEMIC = ("", "", "ThS", "ThS", "TS", "CN", "PGS.TS")
GUEST_TITLES = (
    "Phó Bí thư Thường trực",
    "Trưởng Ban Dân vận",
    "Phó Trưởng Ban Dân vận",
    "Chủ tịch Ủy ban MTTQ",
)
# Training is seasonal: spring and autumn are busy, Tết and summer are quiet.
MONTH_WEIGHTS = (2, 3, 10, 12, 11, 6, 5, 9, 12, 13, 12, 5)
# Org name part by unit type: "Tỉnh Bình Phước" -> "Tỉnh ủy Bình Phước".
COMMITTEE_OF = {
    "Tỉnh": "Tỉnh ủy",
    "Thành phố": "Thành ủy",
    "Huyện": "Huyện ủy",
    "Quận": "Quận ủy",
    "Thị xã": "Thị ủy",
}


# --- database set-up (before Django is configured) ----------------------------------------


@dataclass
class Database:
    url: str
    vendor_hint: str
    drop: Callable[[], None]


def _postgres_database(server_url: str) -> Database:
    """A fresh database on the server of `server_url`, dropped again by `drop()`."""
    import psycopg
    from psycopg import sql

    name = f"taphuan_bench_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urllib.parse.urlsplit(server_url)
    url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))

    def drop() -> None:
        with psycopg.connect(server_url, autocommit=True) as admin:
            statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(statement.format(sql.Identifier(name)))

    return Database(url=url, vendor_hint=f"postgresql ({name})", drop=drop)


def _sqlite_database(folder: str) -> Database:
    return Database(
        url=f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
        vendor_hint="sqlite",
        drop=lambda: None,
    )


# --- data ---------------------------------------------------------------------------------


@dataclass
class Province:
    """One old-map province of the sample, its committees and the new-map one."""

    legacy: AdminUnit
    current: AdminUnit
    province_org: Organization
    district_orgs: list[Organization]
    current_org: Organization
    topic_ids: list[int] = field(default_factory=list)
    lecturer_ids: list[int] = field(default_factory=list)


@dataclass
class Built:
    provinces: list[Province]
    courses: int
    sessions: int
    lecturers: int
    topics: int
    guests: int
    organizations: int
    # course id -> province index, (start, end); session rows as (course id, starts_at, ...)
    course_province: dict[int, int]
    session_rows: list[tuple[int, datetime.date, int]]  # (course id, date, lecturer id)
    seconds: float


def _progress(message: str) -> None:
    print(f"  … {message}", flush=True)


def _committee_name(prefix: str, unit: AdminUnit) -> str:
    return f"{prefix} {COMMITTEE_OF.get(unit.unit_type, 'Đảng ủy')} {unit.short_name}"


def _pick_provinces(rng: random.Random) -> list[tuple[AdminUnit, AdminUnit]]:
    """Old provinces whose new provinces differ, so each new province holds one sample."""
    from geo.models import Level, MapEdition, UnitSuccession

    links = (
        UnitSuccession.objects.filter(
            predecessor__level=Level.PROVINCE,
            predecessor__edition=MapEdition.LEGACY,
            successor__level=Level.PROVINCE,
        )
        .select_related("predecessor", "successor")
        .order_by("successor__sort_key", "predecessor__sort_key")
    )
    by_current: dict[int, list[tuple[AdminUnit, AdminUnit]]] = defaultdict(list)
    for link in links:
        by_current[link.successor_id].append((link.predecessor, link.successor))
    choices = [rng.choice(pairs) for pairs in by_current.values()]
    if len(choices) < PROVINCES:
        raise SystemExit(f"The map has only {len(choices)} new provinces; {PROVINCES} needed.")
    return sorted(rng.sample(choices, PROVINCES), key=lambda pair: pair[0].sort_key)


def _organizations(pairs: list[tuple[AdminUnit, AdminUnit]]) -> list[Province]:
    from core.text import fold, sort_key
    from geo.models import LEGACY_END_DATE, REFORM_DATE
    from orgs.models import Organization, OrganizationKind

    def org(
        name: str, territory: AdminUnit, parent: Organization | None = None, *, legacy: bool
    ) -> Organization:
        return Organization(
            kind=OrganizationKind.COMMITTEE,
            name=name,
            territory=territory,
            parent=parent,
            valid_from=None if legacy else REFORM_DATE,
            valid_to=LEGACY_END_DATE if legacy else None,
            name_folded=fold(name),
            sort_key=sort_key(name),
        )

    tops = Organization.objects.bulk_create(
        [org(_committee_name("Ban Dân vận", legacy), legacy, legacy=True) for legacy, _ in pairs]
        + [
            org(_committee_name("Ban Tuyên giáo và Dân vận", current), current, legacy=False)
            for _, current in pairs
        ]
    )
    legacy_tops, current_tops = tops[: len(pairs)], tops[len(pairs) :]
    districts: list[Organization] = []
    for (legacy, _), top in zip(pairs, legacy_tops, strict=True):
        units = legacy.children.order_by("sort_key")[:DISTRICTS_PER_PROVINCE]
        districts += [org(_committee_name("Ban Dân vận", u), u, top, legacy=True) for u in units]
    districts = Organization.objects.bulk_create(districts)
    for top, current_top in zip(legacy_tops, current_tops, strict=True):
        top.successor = current_top
    Organization.objects.bulk_update(legacy_tops, ["successor"])
    provinces = []
    for (legacy, current), top, current_top in zip(pairs, legacy_tops, current_tops, strict=True):
        provinces.append(
            Province(
                legacy=legacy,
                current=current,
                province_org=top,
                district_orgs=[o for o in districts if o.parent_id == top.pk],
                current_org=current_top,
            )
        )
    return provinces


def _topics(provinces: list[Province]) -> int:
    from core.text import fold, sort_key
    from courses.models import Topic

    topics = []
    for p_index, province in enumerate(provinces):
        for j in range(TOPICS_PER_PROVINCE):
            title = (
                f"{SUBJECTS[(j + p_index) % len(SUBJECTS)]}: "
                f"{ASPECTS[(3 * j + p_index) % len(ASPECTS)]}"
            )
            tags = "dân vận, cơ sở"
            topics.append(
                Topic(
                    title=title,
                    tags=tags,
                    owner=province.province_org,
                    title_folded=fold(f"{title} {tags}"),
                    sort_key=sort_key(title),
                )
            )
    created = Topic.objects.bulk_create(topics, batch_size=BATCH)
    for index, topic in enumerate(created):
        provinces[index // TOPICS_PER_PROVINCE].topic_ids.append(topic.pk)
    return len(created)


def _lecturers(provinces: list[Province], count: int, rng: random.Random) -> int:
    from core.tokens import new_token
    from courses.services import person_fill_derived
    from people.models import Lecturer, Person

    per_province = max(count // len(provinces), 1)
    persons: list[Person] = []
    for province in provinces:
        homes = [province.province_org, *province.district_orgs]
        for _ in range(per_province):
            home = rng.choice(homes)
            person = Person(
                family_name=rng.choice(FAMILY),
                middle_name=rng.choice(MIDDLE),
                given_name=rng.choice(GIVEN),
                organization=home,
                position=rng.choice(POSITIONS),
                owner=province.province_org,
            )
            person_fill_derived(person)
            persons.append(person)
    persons = Person.objects.bulk_create(persons, batch_size=BATCH)
    lecturers = Lecturer.objects.bulk_create(
        [
            Lecturer(
                person=person,
                academic_title=rng.choice(ACADEMIC),
                owner_id=person.owner_id,
                feed_token=new_token(),
            )
            for person in persons
        ],
        batch_size=BATCH,
    )
    for index, lecturer in enumerate(lecturers):
        provinces[index // per_province].lecturer_ids.append(lecturer.pk)
    return len(lecturers)


def _class_days(rng: random.Random, days_total: int) -> tuple[datetime.date, list[str]]:
    """A start day (Monday–Wednesday, seasonal) and the half-days of the programme."""
    from courses.models import HalfDay

    while True:
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(days_total))
        if rng.random() * max(MONTH_WEIGHTS) < MONTH_WEIGHTS[day.month - 1]:
            break
    day -= datetime.timedelta(days=max(day.weekday() - 2, 0))  # Thu-Sun -> Wednesday
    if day < FIRST_DAY:
        day += datetime.timedelta(days=7)
    if rng.random() < 0.8:  # three days, morning and afternoon
        halves = [HalfDay.MORNING, HalfDay.AFTERNOON] * 3
    else:  # two days, with an evening discussion
        halves = [HalfDay.MORNING, HalfDay.AFTERNOON, HalfDay.EVENING] * 2
    return day, halves


def _courses(
    provinces: list[Province], count: int, rng: random.Random
) -> tuple[dict[int, int], list[Any], list[list[tuple[datetime.date, str]]]]:
    from core.text import fold
    from core.tokens import new_token
    from courses.models import Course, CourseKind, CourseLevel, CourseStatus
    from geo.models import REFORM_DATE

    today = datetime.date.today()
    days_total = (LAST_DAY - FIRST_DAY).days - 3
    courses: list[Course] = []
    programmes: list[list[tuple[datetime.date, str]]] = []
    province_of: list[int] = []
    kinds = list(CourseKind.values)
    for index in range(count):
        p_index = rng.randrange(len(provinces))
        province = provinces[p_index]
        start, halves = _class_days(rng, days_total)
        per_day = 2 if len(halves) == SESSIONS_PER_CLASS and halves[2] == "morning" else 3
        programme = [
            (start + datetime.timedelta(days=i // per_day), half) for i, half in enumerate(halves)
        ]
        end = programme[-1][0]
        if start >= REFORM_DATE:
            owner, level = province.current_org, CourseLevel.PROVINCE
        elif rng.random() < 0.3:
            owner, level = province.province_org, CourseLevel.PROVINCE
        else:
            owner, level = rng.choice(province.district_orgs), CourseLevel.DISTRICT
        kind = rng.choice(kinds)
        title = (
            f"{KIND_TITLES[kind]} {rng.choice(AUDIENCES)} năm {start.year} (đợt {index % 7 + 1})"
        )
        cancel_reason = ""
        if end < today:
            status = rng.choices(
                [CourseStatus.REPORTED, CourseStatus.COMPLETED, CourseStatus.CANCELLED],
                weights=[60, 32, 8],
            )[0]
            if status == CourseStatus.CANCELLED:
                cancel_reason = "Trùng lịch hội nghị của cấp trên."
        elif start <= today:
            status = CourseStatus.RUNNING
        else:
            status = rng.choice(
                [CourseStatus.DRAFT, CourseStatus.APPROVED, CourseStatus.NOMINATING]
            )
        capacity = rng.randrange(40, 160, 10)
        courses.append(
            Course(
                kind=kind,
                level=level,
                title=title,
                owner=owner,
                venue=f"Hội trường {owner.name.removeprefix('Ban ')}",
                venue_unit_id=owner.territory_id,
                start_date=start,
                end_date=end,
                capacity=capacity,
                trainee_count=capacity - rng.randrange(0, 15)
                if status in (CourseStatus.COMPLETED, CourseStatus.REPORTED)
                else None,
                status=status,
                cancel_reason=cancel_reason,
                title_folded=fold(title),
                feed_token=new_token(),
            )
        )
        programmes.append(programme)
        province_of.append(p_index)
    created: list[Any] = []
    for offset in range(0, len(courses), BATCH):
        created += Course.objects.bulk_create(courses[offset : offset + BATCH])
        _progress(f"classes {len(created):,}/{count:,}")
    return {c.pk: p for c, p in zip(created, province_of, strict=True)}, created, programmes


def _sessions(
    provinces: list[Province],
    courses: list[Any],
    programmes: list[list[tuple[datetime.date, str]]],
    course_province: dict[int, int],
    rng: random.Random,
) -> list[tuple[int, datetime.date, int]]:
    """Sessions with a topic and one lecturer each; no lecturer is in two places at once.

    Sessions sharing a half-day all have the same hours, so overlapping means
    the same (date, half-day). Walking each province's sessions in time order
    and handing out its lecturers round-robin gives every lecturer the same
    load and never the same lecturer twice in one half-day (as long as a
    half-day holds fewer sessions than the province has lecturers, checked).
    """
    from courses.models import Session, SessionKind, SessionLecturer
    from courses.services import session_times

    pending: list[tuple[datetime.date, str, int, Any, int]] = []
    order = {"morning": 0, "afternoon": 1, "evening": 2}
    for course, programme in zip(courses, programmes, strict=True):
        for position, (day, half) in enumerate(programme):
            pending.append((day, half, course_province[course.pk], course, position))
    pending.sort(key=lambda row: (row[0], order[row[1]], row[3].pk))

    cursor: Counter[int] = Counter()
    slot_load: Counter[tuple[int, datetime.date, str]] = Counter()
    sessions: list[Session] = []
    lecturer_of: list[int] = []
    for day, half, p_index, course, position in pending:
        province = provinces[p_index]
        slot = (p_index, day, half)
        slot_load[slot] += 1
        if slot_load[slot] > len(province.lecturer_ids):
            raise SystemExit(f"Too many sessions in one half-day for {province.legacy}.")
        lecturer_of.append(province.lecturer_ids[cursor[p_index] % len(province.lecturer_ids)])
        cursor[p_index] += 1
        starts_at, ends_at = session_times(day, half, None, None)
        last = position == SESSIONS_PER_CLASS - 1
        kind = SessionKind.DISCUSSION if half == "evening" else SessionKind.LECTURE
        sessions.append(
            Session(
                course=course,
                date=day,
                half_day=half,
                starts_at=starts_at,
                ends_at=ends_at,
                kind=kind,
                topic_id=rng.choice(province.topic_ids),
                title="Bế giảng, viết bài thu hoạch" if last else "",
                location_key="",
            )
        )
    created: list[Session] = []
    for offset in range(0, len(sessions), BATCH):
        created += Session.objects.bulk_create(sessions[offset : offset + BATCH])
        if len(created) % (BATCH * 5) == 0 or len(created) == len(sessions):
            _progress(f"sessions {len(created):,}/{len(sessions):,}")
    links = [
        SessionLecturer(
            session=session,
            lecturer_id=lecturer_id,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        )
        for session, lecturer_id in zip(created, lecturer_of, strict=True)
    ]
    SessionLecturer.objects.bulk_create(links, batch_size=BATCH)
    _progress(f"lecturer links {len(links):,}")
    return [
        (s.course_id, s.date, lecturer_id)
        for s, lecturer_id in zip(created, lecturer_of, strict=True)
    ]


def _guests(courses: list[Any], rng: random.Random) -> int:
    from courses.models import CourseGuest, GuestRole

    guests = []
    for course in courses:
        guests.append(
            CourseGuest(
                course=course,
                full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                title=rng.choice(GUEST_TITLES),
                organization=course.owner.name,
                attends=GuestRole.BOTH,
                gives_opening_speech=True,
                order=1,
            )
        )
        guests.append(
            CourseGuest(
                course=course,
                full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                title=rng.choice(GUEST_TITLES),
                attends=GuestRole.CLOSING,
                gives_closing_speech=True,
                order=2,
            )
        )
    CourseGuest.objects.bulk_create(guests, batch_size=BATCH)
    return len(guests)


def build(classes: int, lecturers: int, seed: int) -> Built:
    """Every row of the benchmark, in one transaction."""
    from django.db import connection, transaction

    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        provinces = _organizations(_pick_provinces(rng))
        organizations = sum(2 + len(p.district_orgs) for p in provinces)
        _progress(f"organisations {organizations} in {len(provinces)} provinces")
        topic_count = _topics(provinces)
        lecturer_count = _lecturers(provinces, lecturers, rng)
        _progress(f"topics {topic_count}, lecturers {lecturer_count:,}")
        course_province, courses, programmes = _courses(provinces, classes, rng)
        session_rows = _sessions(provinces, courses, programmes, course_province, rng)
        guest_count = _guests(courses, rng)
        _progress(f"guests {guest_count:,}")
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics the
        # planner treats the fresh tables as empty.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        _progress("VACUUM ANALYZE")
    return Built(
        provinces=provinces,
        courses=len(courses),
        sessions=len(session_rows),
        lecturers=lecturer_count,
        topics=topic_count,
        guests=guest_count,
        organizations=organizations,
        course_province=course_province,
        session_rows=session_rows,
        seconds=time.perf_counter() - started,
    )


def _users(province: Province) -> tuple[User, User]:
    from accounts.models import User, UserRole
    from core.roles import Role

    admin = User(username="bench-admin", full_name="Quản trị", is_superuser=True, is_staff=True)
    manager = User(
        username="bench-province",
        full_name="Lãnh đạo Ban",
        organization=province.current_org,
    )
    for user in (admin, manager):
        user.set_unusable_password()
        user.save()
    UserRole.objects.bulk_create(
        [
            UserRole(user=admin, role=Role.ADMIN),
            UserRole(user=manager, role=Role.COMMITTEE_MANAGER),
        ]
    )
    return admin, manager


# --- the raw-SQL anchors --------------------------------------------------------------------

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
        return cls(SCOPE_SQL, (prefix, prefix, prefix))


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    url: str
    client: Client
    raw: Callable[[], list[list[tuple[Any, ...]]]]
    # What the page must show of the raw rows: (label, ok) for the data check.
    verify: Callable[[bytes, list[list[tuple[Any, ...]]]], str]


@dataclass
class Result:
    target: Target
    page_ms: float
    raw_ms: float
    queries: int
    page_sql_ms: float
    slowest: list[tuple[float, str]]
    check: str
    profile: str = ""

    @property
    def ratio(self) -> float:
        return self.page_ms / self.raw_ms if self.raw_ms else float("inf")

    @property
    def passed(self) -> bool:
        return self.ratio <= GOAL


def _median_ms(fn: Callable[[], object], warmup: int, repeat: int) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def _get(client: Client, url: str) -> HttpResponse:
    response: HttpResponse = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response


def measure(target: Target, warmup: int, repeat: int, *, profile: bool) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page_ms = _median_ms(lambda: _get(target.client, target.url), warmup, repeat)
    raw_ms = _median_ms(target.raw, warmup, repeat)
    with CaptureQueriesContext(connection) as captured:
        response = _get(target.client, target.url)
    timed = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )
    result = Result(
        target=target,
        page_ms=page_ms,
        raw_ms=raw_ms,
        queries=len(captured.captured_queries),
        page_sql_ms=sum(ms for ms, _ in timed),
        slowest=timed[:3],
        check=target.verify(response.content, target.raw()),
    )
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(_get, target.client, target.url)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(20)
        stats.sort_stats("cumulative").print_stats(
            r"/work/main/(courses|core|people|orgs|geo|accounts)/", 25
        )
        result.profile = out.getvalue()
    return result


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
    from django.db import connection
    from django.test import Client

    from courses import calendar
    from courses.models import Course
    from people.models import Lecturer

    ops = connection.ops
    province = built.provinces[p_index]
    territory = manager.territory()
    assert territory is not None
    scoped, everything = Scope.of(territory), Scope.of(None)
    admin_client, manager_client, public = Client(), Client(), Client()
    admin_client.force_login(admin)
    manager_client.force_login(manager)

    def list_raw(scope: Scope) -> Callable[[], list[list[tuple[Any, ...]]]]:
        page_sql, count_sql = LIST_SQL.format(scope=scope.sql), COUNT_SQL.format(scope=scope.sql)
        return lambda: [_fetch(page_sql, scope.params), _fetch(count_sql, scope.params)]

    def list_verify(content: bytes, rows: list[list[tuple[Any, ...]]]) -> str:
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

    def course_raw() -> list[list[tuple[Any, ...]]]:
        return [
            _fetch(course_sql, (course.pk, *scoped.params)),
            _fetch(PROGRAMME_SQL, (course.pk,)),
            _fetch(GUESTS_SQL, (course.pk,)),
        ]

    def course_verify(content: bytes, rows: list[list[tuple[Any, ...]]]) -> str:
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

    def month_raw(scope: Scope) -> Callable[[], list[list[tuple[Any, ...]]]]:
        courses_sql = MONTH_COURSES_SQL.format(scope=scope.sql)
        sessions_sql = MONTH_SESSIONS_SQL.format(scope=scope.sql)
        dates = (ops.adapt_datefield_value(end), ops.adapt_datefield_value(start))
        moments = (ops.adapt_datetimefield_value(until), ops.adapt_datetimefield_value(since))
        return lambda: [
            _fetch(courses_sql, (*dates, *scope.params)),
            _fetch(sessions_sql, (*moments, *scope.params)),
        ]

    def month_verify(content: bytes, rows: list[list[tuple[Any, ...]]]) -> str:
        return _check_count(content, 'data-testid="calendar-session"', len(rows[1]))

    lecturer = Lecturer.objects.get(pk=province.lecturer_ids[0])

    def lecturer_raw() -> list[list[tuple[Any, ...]]]:
        found = _fetch(FEED_LECTURER_SQL, (lecturer.feed_token,))
        return [found, _fetch(FEED_LECTURER_SESSIONS_SQL, (found[0][0],))]

    def course_feed_raw() -> list[list[tuple[Any, ...]]]:
        found = _fetch(FEED_COURSE_SQL, (course.feed_token,))
        return [found, _fetch(PROGRAMME_SQL, (found[0][0],))]

    def feed_verify(content: bytes, rows: list[list[tuple[Any, ...]]]) -> str:
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


# --- report -------------------------------------------------------------------------------


def report(results: list[Result], *, verbose: bool) -> None:
    width = max(len(r.target.name) for r in results)
    header = (
        f"{'page':<{width}}  {'page ms':>8}  {'SQL in page':>11}  {'raw SQL ms':>10}  "
        f"{'ratio':>7}  {'queries':>7}  {'goal ≤3×':>8}  data"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.target.name:<{width}}  {r.page_ms:8.2f}  {r.page_sql_ms:11.2f}  "
            f"{r.raw_ms:10.2f}  {r.ratio:6.1f}×  {r.queries:7d}  "
            f"{'PASS' if r.passed else 'FAIL':>8}  {r.check}"
        )
    print()
    print("'SQL in page': time inside the database calls of one page run (debug cursor);")
    print("the rest of 'page ms' is Python: middleware, ORM objects, forms, templates.")
    failed = [r for r in results if not r.passed]
    if failed:
        print(f"\n{len(failed)} of {len(results)} pages miss the {GOAL:g}× goal.")
    else:
        print(f"\nAll {len(results)} pages within {GOAL:g}× of raw SQL.")
    if verbose:
        for r in results:
            print(f"\n== {r.target.name}: slowest queries of the page")
            for ms, sql in r.slowest:
                print(f"   {ms:7.2f} ms  {' '.join(sql.split())[:300]}")
            if r.profile:
                print(r.profile)


# --- main ---------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--database-url",
        default="",
        help="postgres://user@host:port/db of a server to create a throw-away database on "
        "(default: a temporary SQLite file)",
    )
    parser.add_argument("--classes", type=int, default=10_000, help="classes (6 sessions each)")
    parser.add_argument("--lecturers", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=15, help="timed runs (median)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print each page's slowest queries"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one run of each page")
    args = parser.parse_args(argv)
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")
    return args


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="taphuan-bench-") as folder:
        database = (
            _postgres_database(args.database_url) if args.database_url else _sqlite_database(folder)
        )
        try:
            yield database
        finally:
            from django.db import connections

            connections.close_all()
            database.drop()


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "taphuan.settings"
    with _database(args) as database:
        os.environ["DATABASE_URL"] = database.url
        import django

        django.setup()
        return run(args, database)


def run(args: argparse.Namespace, database: Database) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from geo.loader import geography_load

    print(f"bench/classes.py — database: {connection.vendor} {database.vendor_hint}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    _progress(f"migrated ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    geography_load()
    _progress(f"map loaded ({time.perf_counter() - started:.1f} s)")

    built = build(args.classes, args.lecturers, args.seed)
    print(
        f"built {built.courses:,} classes, {built.sessions:,} sessions, "
        f"{built.lecturers:,} lecturers, {built.topics} topics, {built.guests:,} guests, "
        f"{built.organizations} organisations in {built.seconds:.1f} s",
        flush=True,
    )
    # The province of the sample holding the most classes (about 1/20 of them).
    p_index = Counter(built.course_province.values()).most_common(1)[0][0]
    admin, manager = _users(built.provinces[p_index])
    province = built.provinces[p_index]
    print(
        f"province user: {manager.username} of “{province.current_org.name}” "
        f"(new map; includes {province.legacy.name} of the old map)"
    )
    print(
        f"vendor: {connection.vendor}, Django {_django_version()}, "
        f"median of {args.repeat} after {args.warmup} warm-ups\n",
        flush=True,
    )
    # Production settings for what matters here: no debug query log, no debug templates.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        results = [
            measure(t, args.warmup, args.repeat, profile=args.profile)
            for t in targets(built, admin, manager, p_index)
        ]
    report(results, verbose=args.verbose or args.profile)
    lists = [r for r in results if r.target.url == "/courses/"]
    print(
        "\nquery count of the class list: "
        + ", ".join(f"{r.target.name}: {r.queries}" for r in lists)
        + (" (constant)" if len({r.queries for r in lists}) == 1 else " (differs by user)")
    )
    return 0


def _django_version() -> str:
    import django

    return django.get_version()


if __name__ == "__main__":
    sys.exit(main())
