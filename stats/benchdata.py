"""Realistic synthetic data for the statistics benchmark (issue #6 item 6).

Ten years (2017–2026) of classes on the real map: before 1 July 2025 owned by
the committees of the old provinces and districts, afterwards by the
committee of the new province; people with Vietnamese names living in real
communes, the trainee-category mix of DESIGN.md, class sizes from a few dozen
to ~1,000 and durations from half a day to five days, sessions with topics and
lecturers, enrollments, attendance marks and results.

Written province by province (memory stays bounded) with `COPY` on
PostgreSQL and `executemany` on SQLite (`ingest.fastinsert.insert_rows`).
Primary keys are reserved in blocks first, so the rows that refer to each
other are written without reading anything back.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from core.text import fold, sort_key
from core.tokens import new_token
from courses.models import (
    HELD_STATUSES,
    Course,
    CourseKind,
    CourseLevel,
    CourseStatus,
    HalfDay,
    Session,
    SessionKind,
    SessionLecturer,
    Topic,
)
from courses.services import session_times
from geo.models import REFORM_DATE, AdminUnit, Level, MapEdition, UnitSuccession
from ingest.fastinsert import insert_rows
from nominations.models import Enrollment, EnrollmentStatus
from orgs.models import Organization, OrganizationKind
from people.identity import identity_key
from people.models import Lecturer, Person, TheoryLevel, TraineeCategory
from people.reference import CATEGORIES, ETHNICITIES, RELIGIONS, seed_trainee_categories
from planning.models import PlanTarget, TrainingPlan
from stats.services import log_change

FIRST_DAY = datetime.date(2017, 1, 1)
LAST_DAY = datetime.date(2026, 12, 20)
DEFAULT_PROVINCE = "tinh binh phuoc"  # the province of DESIGN.md's scenario 1


@dataclass(frozen=True)
class Scale:
    people: int
    enrollments: int  # of the classes held (not withdrawn)
    classes: int
    marks: int  # attendance marks (at least)
    national: bool


SCALES = {
    "tiny": Scale(people=600, enrollments=1_500, classes=30, marks=7_000, national=False),
    "province": Scale(
        people=20_000, enrollments=50_000, classes=800, marks=240_000, national=False
    ),
    "national": Scale(
        people=1_000_000,
        enrollments=2_500_000,
        classes=40_000,
        marks=12_000_000,
        national=True,
    ),
}

FAMILY = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 4), ("Võ", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
    ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trương", 1),
)  # fmt: skip
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Xuân", "Công")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Thị Minh", "Thị Thu", "Kim")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh",
    "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Hiếu", "Lộc",
    "Thành", "Tài", "Toàn", "Vinh", "Khoa", "Hưng", "Phong", "Tùng",
)  # fmt: skip
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
    "Nga", "Nhung", "Phương", "Thảo", "Trang", "Vân", "Yến", "Hằng", "Hiền", "Huyền",
    "Loan", "Ngân", "Oanh", "Quyên", "Thủy", "Tuyết", "Xuân",
)  # fmt: skip
# DESIGN.md §1.3: village team leaders are most of the trainees.
CATEGORY_WEIGHTS = {
    "to-truong-to-dan-van": 34,
    "bi-thu-chi-bo": 14,
    "can-bo-dan-van-xa": 9,
    "can-bo-dan-van-huyen": 2,
    "can-bo-dan-van-tinh": 1,
    "mttq-doan-the": 10,
    "ban-chi-dao-qcdc": 5,
    "dan-van-chinh-quyen": 5,
    "cong-an-quan-su-xa": 5,
    "luc-luong-cot-can": 8,
    "nguoi-co-uy-tin": 4,
    "khac": 3,
}
POSITIONS = {
    "to-truong-to-dan-van": "Tổ trưởng tổ dân vận",
    "bi-thu-chi-bo": "Bí thư chi bộ",
    "can-bo-dan-van-xa": "Trưởng khối dân vận xã",
    "mttq-doan-the": "Chủ tịch Hội Nông dân xã",
    "cong-an-quan-su-xa": "Phó Trưởng Công an xã",
}
THEORY_WEIGHTS = (
    (TheoryLevel.NONE, 30),
    (TheoryLevel.ELEMENTARY, 35),
    (TheoryLevel.INTERMEDIATE, 25),
    (TheoryLevel.ADVANCED, 8),
    (TheoryLevel.BACHELOR, 2),
)
TOPICS = (
    "Công tác dân vận trong tình hình mới",
    "Công tác dân vận chính quyền",
    "Xây dựng và thực hiện quy chế dân chủ ở cơ sở",
    "Công tác dân vận vùng đồng bào dân tộc thiểu số, tôn giáo",
    "Phong trào thi đua “Dân vận khéo”",
    "Nắm bắt dư luận xã hội, xử lý tình huống ở cơ sở, kỹ năng giao tiếp với nhân dân",
    "Bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng",
    "Tình hình an ninh trật tự trên địa bàn",
    "Kỹ năng vận động quần chúng",
    "Chuyển đổi số trong công tác dân vận",
    "Tiếp công dân, đối thoại trực tiếp với nhân dân",
    "Xây dựng nông thôn mới, đô thị văn minh",
)
KIND_TITLES: dict[str, str] = {
    CourseKind.TRAINING: "Lớp bồi dưỡng nghiệp vụ công tác dân vận",
    CourseKind.TOPICAL: "Lớp tập huấn chuyên đề",
    CourseKind.CONFERENCE: "Hội nghị tập huấn",
}
AUDIENCES = (
    "cho tổ trưởng tổ dân vận",
    "cho bí thư chi bộ",
    "cho cán bộ chủ chốt cấp xã",
    "cho cán bộ Mặt trận và đoàn thể",
    "cho lực lượng cốt cán",
    "cho người có uy tín trong đồng bào dân tộc, tôn giáo",
)
COMMITTEE_OF = {
    "Tỉnh": "Tỉnh ủy",
    "Thành phố": "Thành ủy",
    "Huyện": "Huyện ủy",
    "Quận": "Quận ủy",
    "Thị xã": "Thị ủy",
}
MONTH_WEIGHTS = (2, 3, 10, 12, 11, 6, 5, 9, 12, 13, 12, 5)
# Half-days of a programme by its number of sessions.
DURATIONS = (1, 2, 4, 6, 10)
DURATION_WEIGHTS = (10, 25, 25, 30, 10)
CHUNK = 20_000


# --- id blocks and writing ---------------------------------------------------------------


def reserve_block(model: type[models.Model], count: int) -> int:
    """The first of `count` consecutive new primary keys of `model` (a single writer)."""
    table = model._meta.db_table
    column = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                "nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                [table, column, table, column, max(count, 1)],
            )
            return int(cursor.fetchone()[0]) - max(count, 1) + 1
        quoted = connection.ops.quote_name(table)
        column = connection.ops.quote_name(column)
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {quoted}")  # noqa: S608
        first = int(cursor.fetchone()[0]) + 1
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        return max(first, int(row[0]) + 1) if row else first


def write(model: type[models.Model], fields: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    for offset in range(0, len(rows), CHUNK * 5):
        insert_rows(model, fields, rows[offset : offset + CHUNK * 5])


# --- the plan of one province ------------------------------------------------------------


@dataclass
class ClassPlan:
    start: datetime.date
    end: datetime.date
    size: int
    sessions: int
    status: str = ""


@dataclass
class ProvinceUnits:
    legacy: AdminUnit
    current: AdminUnit
    districts: list[AdminUnit]
    communes: dict[int, list[int]]  # district id -> commune ids (old map)
    weight: int


@dataclass
class Orgs:
    province: Organization
    districts: dict[int, Organization]  # district unit id -> committee
    current: Organization


@dataclass
class Totals:
    people: int = 0
    classes: int = 0
    sessions: int = 0
    enrollments: int = 0
    marks: int = 0
    results: int = 0
    plans: int = 0
    withdrawn: int = 0


def _committee_name(prefix: str, unit: AdminUnit) -> str:
    return f"{prefix} {COMMITTEE_OF.get(unit.unit_type, 'Đảng ủy')} {unit.short_name}"


def _org(
    name: str, territory: AdminUnit, parent: Organization | None, legacy: bool
) -> Organization:
    org, _created = Organization.objects.get_or_create(
        territory=territory,
        kind=OrganizationKind.COMMITTEE,
        name=name,
        defaults={
            "parent": parent,
            "valid_from": None if legacy else REFORM_DATE,
            "valid_to": REFORM_DATE - datetime.timedelta(days=1) if legacy else None,
            "name_folded": fold(name),
            "sort_key": sort_key(name),
        },
    )
    return org


def province_units(scale: Scale, province: str) -> list[ProvinceUnits]:
    legacy_provinces = AdminUnit.objects.filter(
        edition=MapEdition.LEGACY, level=Level.PROVINCE
    ).order_by("sort_key")
    if not scale.national:
        legacy_provinces = legacy_provinces.filter(name_folded=fold(province))
    successors: dict[int, AdminUnit] = {}
    for link in (
        UnitSuccession.objects.filter(
            predecessor__in=legacy_provinces, successor__level=Level.PROVINCE
        )
        .select_related("successor")
        .order_by("-is_default", "pk")
    ):
        successors.setdefault(link.predecessor_id, link.successor)
    result = []
    for legacy in legacy_provinces:
        districts = list(
            AdminUnit.objects.filter(parent=legacy, level=Level.DISTRICT).order_by("sort_key")
        )
        communes: dict[int, list[int]] = {}
        for commune_id, parent_id in AdminUnit.objects.filter(
            parent__in=districts, level=Level.COMMUNE
        ).values_list("pk", "parent_id"):
            communes.setdefault(parent_id, []).append(commune_id)
        districts = [d for d in districts if communes.get(d.pk)]
        if not districts or legacy.pk not in successors:
            continue
        result.append(
            ProvinceUnits(
                legacy=legacy,
                current=successors[legacy.pk],
                districts=districts,
                communes=communes,
                weight=sum(len(c) for c in communes.values()),
            )
        )
    if not result:
        raise ValueError(f"no province {province!r} with districts on the old map")
    return result


def province_orgs(units: ProvinceUnits) -> Orgs:
    top = _org(_committee_name("Ban Dân vận", units.legacy), units.legacy, None, legacy=True)
    current = _org(
        _committee_name("Ban Tuyên giáo và Dân vận", units.current),
        units.current,
        None,
        legacy=False,
    )
    districts = {
        d.pk: _org(_committee_name("Ban Dân vận", d), d, top, legacy=True) for d in units.districts
    }
    return Orgs(province=top, districts=districts, current=current)


def _split(total: int, weights: Sequence[int]) -> list[int]:
    """`total` shared in proportion to `weights`, summing exactly to `total`."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    for i in range(total - sum(shares)):
        shares[i % len(shares)] += 1
    return shares


class Generator:
    """Writes one scale of data; `run()` returns what it wrote."""

    def __init__(
        self,
        scale: Scale,
        *,
        province: str = DEFAULT_PROVINCE,
        seed: int = 2017,
        progress: Callable[[int, int, str], None] | None = None,
        today: datetime.date | None = None,
    ) -> None:
        self.scale = scale
        self.province = province
        self.rng = random.Random(seed)
        self.progress = progress or (lambda done, total, label: None)
        self.today = today or timezone.localdate()
        self.totals = Totals()
        self.booked: set[tuple[int, datetime.datetime]] = set()
        self.times: dict[
            tuple[datetime.date, str], tuple[datetime.datetime, datetime.datetime]
        ] = {}
        self.now = timezone.now()
        self.names: dict[tuple[str, str, str], tuple[str, str, str]] = {}
        self.plans_made: dict[tuple[int, int], int] = {}

    # -- reference rows --

    def _reference(self, provinces: list[ProvinceUnits]) -> None:
        seed_trainee_categories(TraineeCategory)
        codes = dict(TraineeCategory.objects.values_list("code", "pk"))
        self.categories = [codes[code] for code, _name in CATEGORIES if code in codes]
        self.category_codes = [code for code, _name in CATEGORIES if code in codes]
        weights = [CATEGORY_WEIGHTS.get(code, 1) for code in self.category_codes]
        self.category_cum = list(itertools.accumulate(weights))
        country = AdminUnit.objects.get(level=Level.COUNTRY)
        self.central = _org("Ban Dân vận Trung ương", country, None, legacy=False)
        self.central_topics = self._topics(self.central, TOPICS[:6], "Trung ương")
        self.central_lecturers = self._lecturers(self.central, 20, provinces[0])

    def _topics(self, owner: Organization, titles: Sequence[str], suffix: str) -> list[int]:
        topics = []
        for title in titles:
            full = f"{title} ({suffix})"
            topics.append(
                Topic(
                    title=full,
                    owner=owner,
                    title_folded=fold(full),
                    sort_key=sort_key(full),
                )
            )
        return [t.pk for t in Topic.objects.bulk_create(topics)]

    def _lecturers(self, owner: Organization, count: int, units: ProvinceUnits) -> list[int]:
        people = self._people_rows(owner, count, units, owner_org_ids=[owner.pk], lecturer=True)
        first = reserve_block(Lecturer, count)
        titles = ("TS", "ThS", "ThS", "CN", "PGS.TS", "")
        rows = [
            (first + i, person_id, self.rng.choice(titles), owner.pk, new_token())
            for i, person_id in enumerate(people)
        ]
        write(Lecturer, ["id", "person_id", "academic_title", "owner_id", "feed_token"], rows)
        return [r[0] for r in rows]

    # -- people --

    def _name(self, female: bool) -> tuple[str, str, str, str, str, str]:
        rng = self.rng
        family = rng.choices([f for f, _w in FAMILY], cum_weights=self._family_cum)[0]
        middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        key = (family, middle, given)
        derived = self.names.get(key)
        if derived is None:
            full = f"{family} {middle} {given}"
            derived = self.names[key] = (
                full,
                fold(full),
                sort_key(f"{given} {middle} {family}"),
            )
        return (family, middle, given, *derived)

    _family_cum = list(itertools.accumulate(w for _f, w in FAMILY))

    def _people_rows(
        self,
        owner: Organization,
        count: int,
        units: ProvinceUnits,
        *,
        owner_org_ids: list[int],
        district_of_owner: dict[int, int] | None = None,
        lecturer: bool = False,
    ) -> list[int]:
        """Write `count` people; returns their ids (in order)."""
        rng = self.rng
        first = reserve_block(Person, count)
        rows = []
        links = []
        ethnic_codes = [code for code, _n, _a in ETHNICITIES[:12]]
        religion_codes = [code for code, _n, _a in RELIGIONS[1:6]]
        theory_values = [v for v, _w in THEORY_WEIGHTS]
        theory_cum = list(itertools.accumulate(w for _v, w in THEORY_WEIGHTS))
        all_communes = [c for cs in units.communes.values() for c in cs]
        for i in range(count):
            pk = first + i
            owner_id = owner_org_ids[i % len(owner_org_ids)]
            district = (district_of_owner or {}).get(owner_id)
            communes = units.communes.get(district, all_communes) if district else all_communes
            home = rng.choice(communes)
            female = rng.random() < 0.36
            family, middle, given, full, folded, key = self._name(female)
            birth_year = rng.randint(1958, 2001) if rng.random() > 0.03 else None
            ethnicity = "01" if rng.random() < 0.86 else rng.choice(ethnic_codes)
            religion = (
                ""
                if rng.random() < 0.55
                else ("khong" if rng.random() < 0.6 else rng.choice(religion_codes))
            )
            category = self._category()
            rows.append(
                (
                    pk, family, middle, given, full, folded, key,
                    "nu" if female else "nam", None, birth_year, ethnicity, religion, "",
                    owner_id, "Báo cáo viên" if lecturer else POSITIONS.get(category[1], ""),
                    "", "", home,
                    rng.choices(theory_values, cum_weights=theory_cum)[0],
                    rng.random() < 0.7, None,
                    identity_key(folded, None, birth_year, home), owner_id, self.now, self.now,
                )
            )  # fmt: skip
            links.append((pk, category[0]))
            if rng.random() < 0.1:
                second = self._category()
                if second[0] != category[0]:
                    links.append((pk, second[0]))
        write(Person, PERSON_FIELDS, rows)
        write(Person.categories.through, ["person_id", "traineecategory_id"], links)
        self.totals.people += count
        return [r[0] for r in rows]

    def _category(self) -> tuple[int, str]:
        index = bisect.bisect_left(
            self.category_cum, self.rng.random() * self.category_cum[-1] + 1e-9
        )
        index = min(index, len(self.categories) - 1)
        return self.categories[index], self.category_codes[index]

    # -- classes --

    def _start_day(self) -> datetime.date:
        rng = self.rng
        span = (LAST_DAY - FIRST_DAY).days
        while True:
            day = FIRST_DAY + datetime.timedelta(days=rng.randrange(span))
            if rng.random() * max(MONTH_WEIGHTS) < MONTH_WEIGHTS[day.month - 1]:
                break
        return day - datetime.timedelta(days=max(day.weekday() - 2, 0))

    def _status(self, start: datetime.date, end: datetime.date) -> str:
        if end < self.today:
            return self.rng.choices(
                [CourseStatus.REPORTED, CourseStatus.COMPLETED, CourseStatus.CANCELLED],
                weights=[55, 37, 8],
            )[0]
        if start <= self.today:
            return CourseStatus.RUNNING
        return self.rng.choice([CourseStatus.DRAFT, CourseStatus.APPROVED, CourseStatus.NOMINATING])

    def _size(self) -> int:
        r = self.rng.random()
        if r < 0.70:
            return self.rng.randint(30, 70)
        if r < 0.90:
            return self.rng.randint(70, 150)
        if r < 0.98:
            return self.rng.randint(150, 400)
        return self.rng.randint(400, 1000)

    def _plan_classes(self, count: int, enrollments: int, marks: int, pool: int) -> list[ClassPlan]:
        """Dates, statuses, sizes and durations, tuned to the scale's totals."""
        rng = self.rng
        plans = []
        for _ in range(count):
            start = self._start_day()
            size = self._size()
            if size > 300:
                sessions = rng.choice((1, 2))
            else:
                sessions = rng.choices(DURATIONS, weights=DURATION_WEIGHTS)[0]
            plans.append(ClassPlan(start=start, end=start, size=size, sessions=sessions))
        for plan in plans:
            days = (plan.sessions + 1) // 2
            plan.end = plan.start + datetime.timedelta(days=max(days - 1, 0))
            plan.status = self._status(plan.start, plan.end)
        held = [p for p in plans if p.status in HELD_STATUSES]
        if not held:
            return plans
        factor = enrollments / max(sum(p.size for p in held), 1)
        for p in held:
            p.size = max(5, min(pool, round(p.size * factor)))
        # Exactly the scale's number of enrollments.
        gap = enrollments - sum(p.size for p in held)
        for _attempt in range(50 * len(held) + abs(gap) * 20):
            if not gap:
                break
            p = rng.choice(held)
            step = 1 if gap > 0 else -1
            if 5 <= p.size + step <= pool:
                p.size += step
                gap -= step

        # At least the scale's number of marks, not many more.
        def total_marks() -> int:
            return sum(p.size * p.sessions for p in held)

        current = total_marks()
        for _attempt in range(100 * len(held)):
            if current >= marks:
                break
            p = rng.choice(held)
            if p.sessions < 10 and p.size <= 300:
                longer = DURATIONS[DURATIONS.index(p.sessions) + 1]
                current += p.size * (longer - p.sessions)
                p.sessions = longer
        for _attempt in range(100 * len(held)):
            if current <= marks * 1.05:
                break
            p = rng.choice(held)
            if p.sessions > 1:
                shorter = DURATIONS[DURATIONS.index(p.sessions) - 1]
                if current - p.size * (p.sessions - shorter) < marks:
                    break
                current -= p.size * (p.sessions - shorter)
                p.sessions = shorter
        for plan in plans:
            days = (plan.sessions + 1) // 2
            plan.end = plan.start + datetime.timedelta(days=max(days - 1, 0))
        return plans

    def _session_times(
        self, day: datetime.date, half: str
    ) -> tuple[datetime.datetime, datetime.datetime]:
        key = (day, half)
        times = self.times.get(key)
        if times is None:
            times = self.times[key] = session_times(day, half, None, None)
        return times

    def run_province(
        self,
        units: ProvinceUnits,
        *,
        people: int,
        classes: int,
        enrollments: int,
        marks: int,
    ) -> None:
        rng = self.rng
        orgs = province_orgs(units)
        topics = self._topics(orgs.province, TOPICS, units.legacy.short_name)
        lecturers = self._lecturers(orgs.province, 15, units)
        # People: owned by the district committees, a few by the province.
        district_orgs = list(orgs.districts.values())
        district_of_owner = {org.pk: unit_id for unit_id, org in orgs.districts.items()}
        person_ids = self._people_rows(
            orgs.province,
            people,
            units,
            owner_org_ids=[o.pk for o in district_orgs],
            district_of_owner=district_of_owner,
        )
        by_owner: dict[int, list[int]] = {}
        for i, pk in enumerate(person_ids):
            by_owner.setdefault(district_orgs[i % len(district_orgs)].pk, []).append(pk)
        owner_of_person = {
            pk: district_orgs[i % len(district_orgs)].pk for i, pk in enumerate(person_ids)
        }
        # A few more marks than asked: withdrawn trainees (1 %) have none.
        plans = self._plan_classes(classes, enrollments, round(marks * 1.02), len(person_ids))
        plans.sort(key=lambda p: p.start)
        # Plans (kế hoạch): one a year by the committee of the province of the time.
        training_plans = self._training_plans(orgs, plans)
        first_course = reserve_block(Course, len(plans))
        course_rows = []
        session_rows = []
        link_rows = []
        enrollment_rows = []
        mark_rows = []
        result_rows = []
        first_session = reserve_block(Session, sum(p.sessions for p in plans))
        first_enrollment = reserve_block(
            Enrollment, sum(p.size for p in plans if p.status in HELD_STATUSES)
        )
        session_id = first_session
        enrollment_id = first_enrollment
        kinds = list(CourseKind.values)
        for index, plan in enumerate(plans):
            course_id = first_course + index
            start, end, status = plan.start, plan.end, plan.status
            if start >= REFORM_DATE:
                owner, level = orgs.current, CourseLevel.PROVINCE
                pool = person_ids
            elif rng.random() < 0.3:
                owner, level = orgs.province, CourseLevel.PROVINCE
                pool = person_ids
            else:
                owner = rng.choice(district_orgs)
                level = CourseLevel.DISTRICT
                pool = by_owner.get(owner.pk) or person_ids
            kind = CourseKind.CONFERENCE if plan.size > 300 else rng.choice(kinds)
            title = f"{KIND_TITLES[kind]} {rng.choice(AUDIENCES)} năm {start.year}"
            held = status in HELD_STATUSES
            size = plan.size if held else 0
            if held:
                if size <= len(pool) * 0.8 or pool is person_ids:
                    own = min(size, len(pool), round(size * 0.85))
                    chosen = rng.sample(pool, own)
                    if own < size:
                        extra = set(chosen)
                        for pk in rng.sample(
                            person_ids, min(len(person_ids), (size - own) * 2 + 10)
                        ):
                            if len(chosen) >= size:
                                break
                            if pk not in extra:
                                extra.add(pk)
                                chosen.append(pk)
                else:
                    chosen = rng.sample(person_ids, min(size, len(person_ids)))
            else:
                chosen = []
            withdrawn = {pk for pk in chosen if rng.random() < 0.01}
            enrolled = len(chosen) - len(withdrawn)
            plan_id = (
                training_plans.get(
                    (owner.pk if level == CourseLevel.PROVINCE else orgs.province.pk, start.year)
                )
                if rng.random() < 0.8
                else None
            )
            course_rows.append(
                (
                    course_id, kind, level, title, owner.pk, plan_id, owner.territory_id,
                    f"Hội trường {owner.name.removeprefix('Ban ')}", start, end,
                    max(enrolled, plan.size), enrolled,
                    None, status,
                    "Trùng lịch hội nghị của cấp trên." if status == CourseStatus.CANCELLED else "",
                    fold(title), new_token(), self.now, self.now,
                )
            )  # fmt: skip
            # The programme.
            halves = [HalfDay.MORNING, HalfDay.AFTERNOON]
            sessions = []
            for s in range(plan.sessions):
                day = start + datetime.timedelta(days=s // 2)
                half = halves[s % 2]
                starts_at, ends_at = self._session_times(day, half)
                if s == plan.sessions - 1 and plan.sessions >= 6:
                    kind_s, topic = SessionKind.ASSIGNMENT, None
                elif s == plan.sessions - 2 and plan.sessions >= 4:
                    kind_s, topic = SessionKind.DISCUSSION, None
                else:
                    kind_s = SessionKind.LECTURE
                    topic = (
                        rng.choice(topics)
                        if rng.random() < 0.75
                        else rng.choice(self.central_topics)
                    )
                session_rows.append(
                    (session_id, course_id, day, half, None, None, starts_at, ends_at, kind_s,
                     topic, "", "", "", status != CourseStatus.CANCELLED)
                )  # fmt: skip
                if topic is not None:
                    candidates = lecturers if rng.random() < 0.85 else self.central_lecturers
                    for lecturer in rng.sample(candidates, min(4, len(candidates))):
                        key = (lecturer, starts_at)
                        if status == CourseStatus.CANCELLED or key not in self.booked:
                            if status != CourseStatus.CANCELLED:
                                self.booked.add(key)
                            link_rows.append(
                                (session_id, lecturer, starts_at, ends_at,
                                 status != CourseStatus.CANCELLED)
                            )  # fmt: skip
                            break
                sessions.append((session_id, day))
                session_id += 1
            finished = status in (CourseStatus.COMPLETED, CourseStatus.REPORTED)
            marked = [(sid, day) for sid, day in sessions if day <= self.today] if held else []
            for person_id in chosen:
                out = person_id in withdrawn
                attended = 0
                if not out:
                    for sid, _day in marked:
                        r = rng.random()
                        if r < 0.88:
                            mark, reason = "present", ""
                        elif r < 0.93:
                            mark, reason = "late", ""
                        elif r < 0.97:
                            mark, reason = "excused", "Bận công tác"
                        else:
                            mark, reason = "absent", ""
                        attended += mark in ("present", "late")
                        mark_rows.append((sid, enrollment_id, mark, reason, "table", self.now))
                passed = (
                    finished and not out and attended >= 0.8 * len(marked) and rng.random() < 0.96
                )
                enrollment_rows.append(
                    (enrollment_id, course_id, person_id, owner_of_person.get(person_id),
                     EnrollmentStatus.WITHDRAWN if out else EnrollmentStatus.ENROLLED,
                     passed, self.now, self.now if out else None, "Ốm" if out else "")
                )  # fmt: skip
                if finished and not out:
                    result_rows.append(
                        (enrollment_id, attended, len(marked), passed, "", self.now, "")
                    )
                enrollment_id += 1
            if len(mark_rows) >= CHUNK * 10:
                self._flush(
                    course_rows, session_rows, link_rows, enrollment_rows, mark_rows, result_rows
                )
        self._flush(course_rows, session_rows, link_rows, enrollment_rows, mark_rows, result_rows)

    def _flush(
        self,
        courses: list[Any],
        sessions: list[Any],
        links: list[Any],
        enrollments: list[Any],
        marks: list[Any],
        results: list[Any],
    ) -> None:
        from assessment.models import Result
        from attendance.models import Attendance

        write(Course, COURSE_FIELDS, courses)
        write(Session, SESSION_FIELDS, sessions)
        write(
            SessionLecturer,
            ["session_id", "lecturer_id", "starts_at", "ends_at", "is_booked"],
            links,
        )
        write(Enrollment, ENROLLMENT_FIELDS, enrollments)
        write(
            Attendance,
            ["session_id", "enrollment_id", "mark", "reason", "source", "marked_at"],
            marks,
        )
        write(
            Result,
            [
                "enrollment_id",
                "attended",
                "sessions_counted",
                "computed_passed",
                "reasons",
                "computed_at",
                "override_reason",
            ],
            results,
        )
        self.totals.classes += len(courses)
        self.totals.sessions += len(sessions)
        enrolled = sum(1 for e in enrollments if e[4] == EnrollmentStatus.ENROLLED)
        self.totals.enrollments += enrolled
        self.totals.withdrawn += len(enrollments) - enrolled
        self.totals.marks += len(marks)
        self.totals.results += len(results)
        for rows in (courses, sessions, links, enrollments, marks, results):
            rows.clear()

    def _plan(self, issuer: Organization, year: int, number: str, symbol: str,
              day: datetime.date, title: str, classes: int) -> int:  # fmt: skip
        """One plan per committee and year (a new province's committee is shared by
        the old provinces merged into it: the first of them writes its plans)."""
        key = (issuer.pk, year)
        if key not in self.plans_made:
            plan = TrainingPlan.objects.create(
                number=number, symbol=symbol, year=year, issuer=issuer, issue_date=day,
                title=title, classes_target=max(1, classes),
            )  # fmt: skip
            PlanTarget.objects.create(plan=plan, category=None, trainees=max(1, classes) * 60)
            self.plans_made[key] = plan.pk
            self.totals.plans += 1
        return self.plans_made[key]

    def _training_plans(self, orgs: Orgs, plans: list[ClassPlan]) -> dict[tuple[int, int], int]:
        years: dict[int, int] = {}
        for p in plans:
            years[p.start.year] = years.get(p.start.year, 0) + 1
        created: dict[tuple[int, int], int] = {}
        for year, count in sorted(years.items()):
            title = f"Kế hoạch bồi dưỡng nghiệp vụ công tác dân vận năm {year}"
            if year <= REFORM_DATE.year:
                created[(orgs.province.pk, year)] = self._plan(
                    orgs.province, year, str(10 + year % 100), "KH/BDVTU",
                    datetime.date(year, 1, 15), title, round(count * 0.27),
                )  # fmt: skip
            if year >= REFORM_DATE.year:
                # From the reform on, the new province's committee plans.
                created[(orgs.current.pk, year)] = self._plan(
                    orgs.current, year, "68", "KH/BTGDVTU",
                    datetime.date(year, 7, 15) if year == REFORM_DATE.year
                    else datetime.date(year, 1, 15),
                    title, round(count * 0.3),
                )  # fmt: skip
        return created

    def run(self) -> Totals:
        provinces = province_units(self.scale, self.province)
        self._reference(provinces)
        weights = [p.weight for p in provinces]
        people = _split(self.scale.people - self.totals.people, weights)
        classes = _split(self.scale.classes, weights)
        enrollments = _split(self.scale.enrollments, weights)
        marks = _split(self.scale.marks, weights)
        for index, units in enumerate(provinces):
            self.progress(index, len(provinces), units.legacy.short_name)
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql" and _is_superuser(cursor):
                    # The rows are consistent by construction: skip the per-row
                    # foreign-key triggers while loading (reset at commit).
                    cursor.execute("SET LOCAL session_replication_role = replica")
                self.run_province(
                    units,
                    people=max(people[index] - 15, 50),
                    classes=max(classes[index], 1),
                    enrollments=enrollments[index],
                    marks=marks[index],
                )
                # The replica role also silences the statistics' change triggers.
                log_change()
        self.progress(len(provinces), len(provinces), "ANALYZE")
        _finish()
        return self.totals


def _is_superuser(cursor: Any) -> bool:
    cursor.execute("SHOW is_superuser")
    return bool(cursor.fetchone()[0] == "on")


def _finish() -> None:
    """Fresh planner statistics and visibility maps (index-only scans) after the load."""
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


PERSON_FIELDS = [
    "id", "family_name", "middle_name", "given_name", "full_name", "name_folded", "sort_key",
    "sex", "birth_date", "birth_year", "ethnicity", "religion", "citizen_id",
    "organization_id", "position", "phone", "email", "home_unit_id", "theory_level",
    "is_party_member", "party_joined_on", "identity_key", "owner_id", "created_at", "updated_at",
]  # fmt: skip
COURSE_FIELDS = [
    "id", "kind", "level", "title", "owner_id", "plan_id", "venue_unit_id", "venue",
    "start_date", "end_date", "capacity", "enrolled_count", "trainee_count", "status",
    "cancel_reason", "title_folded", "feed_token", "created_at", "updated_at",
]  # fmt: skip
SESSION_FIELDS = [
    "id", "course_id", "date", "half_day", "start_time", "end_time", "starts_at", "ends_at",
    "kind", "topic_id", "title", "room", "location_key", "is_booked",
]  # fmt: skip
ENROLLMENT_FIELDS = [
    "id", "course_id", "person_id", "unit_id", "status", "completed", "enrolled_at",
    "withdrawn_at", "withdraw_reason",
]  # fmt: skip
