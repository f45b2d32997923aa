"""The benchmark's data: classes, sessions, lecturers on the real map, built in bulk.

Twenty provinces of the old (63-province) map, each with its province
committee and eight district committees, and the committee of the new
(34-province) province it became part of: classes before 1 July 2025 belong to
the old committees, later ones to the new. A user of the new province sees
both, through the map succession, as in production. Lecturers teach in their
own province, round-robin, so that no lecturer is ever in two places at once
(PostgreSQL's exclusion constraint would refuse it).

Import only after `django.setup()`.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction

from accounts.models import User, UserRole
from core.roles import Role
from core.text import fold, sort_key
from core.tokens import new_token
from courses.models import (
    Course,
    CourseGuest,
    CourseKind,
    CourseLevel,
    CourseStatus,
    GuestRole,
    HalfDay,
    Session,
    SessionKind,
    SessionLecturer,
    Topic,
)
from courses.services import session_times
from geo.models import LEGACY_END_DATE, REFORM_DATE, AdminUnit, Level, MapEdition, UnitSuccession
from orgs.models import Organization, OrganizationKind
from people.identity import person_fill_derived
from people.models import Lecturer, Person

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


# The half-days of one class's programme: (day, half-day) in order.
Programme = list[tuple[datetime.date, str]]


@dataclass
class Built:
    """What was built, and what the benchmark needs to pick its pages."""

    provinces: list[Province]
    courses: int
    sessions: int
    lecturers: int
    topics: int
    guests: int
    organizations: int
    course_province: dict[int, int]  # course id -> index in `provinces`
    session_rows: list[tuple[int, datetime.date, int]]  # (course id, date, lecturer id)
    seconds: float


def progress(message: str) -> None:
    print(f"  … {message}", flush=True)


def _committee_name(prefix: str, unit: AdminUnit) -> str:
    return f"{prefix} {COMMITTEE_OF.get(unit.unit_type, 'Đảng ủy')} {unit.short_name}"


def _pick_provinces(rng: random.Random) -> list[tuple[AdminUnit, AdminUnit]]:
    """Old provinces whose new provinces differ, so each new province holds one sample."""
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
    """Per province: the old province committee, its district committees, the new one."""

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
    """The province committee's catalogue of topics."""
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
    """Lecturers of each province: people of its committees, owned by the province."""
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
    while True:
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(days_total))
        if rng.random() * max(MONTH_WEIGHTS) < MONTH_WEIGHTS[day.month - 1]:
            break
    day -= datetime.timedelta(days=max(day.weekday() - 2, 0))  # Thu-Sun -> Wednesday
    if day < FIRST_DAY:
        day += datetime.timedelta(days=7)
    halves: list[str]
    if rng.random() < 0.8:  # three days, morning and afternoon
        halves = [HalfDay.MORNING, HalfDay.AFTERNOON] * 3
    else:  # two days, with an evening discussion
        halves = [HalfDay.MORNING, HalfDay.AFTERNOON, HalfDay.EVENING] * 2
    return day, halves


def _courses(
    provinces: list[Province], count: int, rng: random.Random
) -> tuple[dict[int, int], list[Course], list[Programme]]:
    """Classes over ten years, seasonal, with statuses as of today; and their programmes."""
    today = datetime.date.today()
    days_total = (LAST_DAY - FIRST_DAY).days - 3
    courses: list[Course] = []
    programmes: list[Programme] = []
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
    created: list[Course] = []
    for offset in range(0, len(courses), BATCH):
        created += Course.objects.bulk_create(courses[offset : offset + BATCH])
        progress(f"classes {len(created):,}/{count:,}")
    return {c.pk: p for c, p in zip(created, province_of, strict=True)}, created, programmes


def _sessions(
    provinces: list[Province],
    courses: list[Course],
    programmes: list[Programme],
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
    pending: list[tuple[datetime.date, str, int, Course, int]] = []
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
            progress(f"sessions {len(created):,}/{len(sessions):,}")
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
    progress(f"lecturer links {len(links):,}")
    return [
        (s.course_id, s.date, lecturer_id)
        for s, lecturer_id in zip(created, lecturer_of, strict=True)
    ]


def _guests(courses: list[Course], rng: random.Random) -> int:
    """Two leaders per class: one opens it (with the speech), one closes it."""
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
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        provinces = _organizations(_pick_provinces(rng))
        organizations = sum(2 + len(p.district_orgs) for p in provinces)
        progress(f"organisations {organizations} in {len(provinces)} provinces")
        topic_count = _topics(provinces)
        lecturer_count = _lecturers(provinces, lecturers, rng)
        progress(f"topics {topic_count}, lecturers {lecturer_count:,}")
        course_province, courses, programmes = _courses(provinces, classes, rng)
        session_rows = _sessions(provinces, courses, programmes, course_province, rng)
        guest_count = _guests(courses, rng)
        progress(f"guests {guest_count:,}")
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics the
        # planner treats the fresh tables as empty.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        progress("VACUUM ANALYZE")
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


def users(province: Province) -> tuple[User, User]:
    """An administrator (sees everything) and a manager of the province's new committee."""
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
