"""Demo people: the trainees of scenarios 1 and 5, a target roster, and a class
open for nominations today (for the focal point's account).

Written in bulk (a thousand people) but through the same derived fields as the
services: names, sort keys, duplicate keys and history.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import F
from django.utils import timezone

from courses import services as course_services
from courses.models import Course
from geo.models import AdminUnit, Level
from nominations.models import Enrollment, Nomination, NominationStatus, Quota
from orgs.models import Organization
from people.identity import person_fill_derived
from people.models import (
    ChangeAction,
    Person,
    PersonChange,
    Roster,
    RosterMember,
    Sex,
    TheoryLevel,
    TraineeCategory,
)

FAMILY = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Điểu", "Lâm", "Triệu", "Nông",
]  # fmt: skip
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Thị Thu", "Ngọc", "Thị Kim", "Thanh", "Thị Minh", "Mỹ"]
GIVEN_MALE = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Lợi", "Minh",
    "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Tuấn", "Việt", "Vinh", "Xuân",
]  # fmt: skip
GIVEN_FEMALE = [
    "Anh", "Chi", "Dung", "Giang", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
    "Nga", "Nhung", "Phương", "Thảo", "Trang", "Tuyết", "Vân", "Yến", "Loan", "Hằng",
]  # fmt: skip
# Bình Phước: Kinh, with Xtiêng, Mnông, Tày, Nùng, Khmer communities.
ETHNIC_MIX = ["01"] * 14 + ["22", "22", "20", "02", "07", "05"]


def _person(rng: random.Random, owner: Organization, home: AdminUnit) -> Person:
    female = rng.random() < 0.42
    person = Person(
        family_name=rng.choice(FAMILY),
        middle_name=rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
        given_name=rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
        sex=Sex.FEMALE if female else Sex.MALE,
        birth_date=datetime.date(rng.randint(1958, 1996), rng.randint(1, 12), rng.randint(1, 28)),
        ethnicity=rng.choice(ETHNIC_MIX),
        religion=rng.choice(["khong"] * 6 + ["phat-giao", "cong-giao", "tin-lanh"]),
        owner=owner,
        home_unit=home,
        theory_level=rng.choice([TheoryLevel.ELEMENTARY, TheoryLevel.INTERMEDIATE, ""]),
        is_party_member=rng.random() < 0.7,
        phone=f"09{rng.randint(10_000_000, 99_999_999)}",
    )
    assert person.birth_date is not None
    century_sex = (2 if person.birth_date.year >= 2000 else 0) + (1 if female else 0)
    # Province code 070 (Bình Phước), sex/century, year, six digits.
    person.citizen_id = (
        f"070{century_sex}{person.birth_date.year % 100:02d}{rng.randint(0, 999_999):06d}"
    )
    person_fill_derived(person)
    return person


def _save_people(people: list[Person], categories: dict[int, list[TraineeCategory]]) -> None:
    seen: set[str] = set()
    for person in people:  # the random CCCDs must stay unique
        while person.citizen_id in seen:
            person.citizen_id = (
                person.citizen_id[:6] + f"{(int(person.citizen_id[6:]) + 1) % 10**6:06d}"
            )
        seen.add(person.citizen_id)
    Person.objects.bulk_create(people, batch_size=500)
    through = Person.categories.through
    through.objects.bulk_create(
        [
            through(person_id=person.pk, traineecategory_id=category.pk)
            for index, person in enumerate(people)
            for category in categories.get(index, [])
        ],
        batch_size=1000,
    )
    PersonChange.objects.bulk_create(
        [
            PersonChange(person=person, action=ChangeAction.IMPORT, note="Dữ liệu mẫu")
            for person in people
        ],
        batch_size=1000,
    )


def _enroll(course: Course, people: list[Person], unit: Organization | None, done: float) -> None:
    """Approved nominations and enrollments of a finished class, places counted."""
    rng = random.Random(course.pk)
    nominations = Nomination.objects.bulk_create(
        [
            Nomination(
                course=course,
                person=person,
                unit=unit or course.owner,
                status=NominationStatus.APPROVED,
            )
            for person in people
        ]
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                course=course,
                person=n.person,
                nomination=n,
                unit=n.unit,
                completed=rng.random() < done,
            )
            for n in nominations
        ]
    )
    Course.objects.filter(pk=course.pk).update(
        capacity=max(course.capacity, len(people)), enrolled_count=F("enrolled_count") + len(people)
    )


def demo_people_load() -> None:
    rng = random.Random(2017)
    province = Organization.objects.get(name="Ban Dân vận Tỉnh ủy Bình Phước")
    leader = TraineeCategory.objects.get(code="to-truong-to-dan-van")
    commune_cadre = TraineeCategory.objects.get(code="can-bo-dan-van-xa")
    secretary = TraineeCategory.objects.get(code="bi-thu-chi-bo")

    # Scenario 1: 952 trainees of the five 2017 cluster classes, 866 of them
    # village team leaders, who make up the province's target roster.
    classes = list(
        Course.objects.filter(cluster__title="Cụm lớp tổ trưởng tổ dân vận 2017")
        .prefetch_related("catchment_units")
        .order_by("start_date")
    )
    leaders: list[Person] = []
    for course in classes:
        communes = list(
            AdminUnit.objects.filter(
                parent__in=course.catchment_units.all(), level=Level.COMMUNE
            ).order_by("sort_key")
        )
        count = course.trainee_count or 0
        people = [_person(rng, province, communes[i % len(communes)]) for i in range(count)]
        n_leaders = round(count * 866 / 952)
        cats = {i: [leader] if i < n_leaders else [commune_cadre] for i in range(count)}
        _save_people(people, cats)
        leaders += people[:n_leaders]
        _enroll(course, people, None, done=0.97)
    # Top up to exactly 866 leaders (rounding), the extra ones not yet trained.
    missing = 866 - len(leaders)
    if missing > 0:
        communes = list(AdminUnit.objects.filter(parent__parent=province.territory)[:50])
        extra = [_person(rng, province, communes[i % len(communes)]) for i in range(missing)]
        _save_people(extra, {i: [leader] for i in range(missing)})
        leaders += extra
    roster = Roster.objects.create(
        name="Tổ trưởng tổ dân vận tỉnh Bình Phước năm 2017",
        description="Mỗi thôn, ấp, khu phố một tổ trưởng tổ dân vận (Kế hoạch 15-KH/BDVTU).",
        owner=province,
        period_start=datetime.date(2017, 1, 1),
        period_end=datetime.date(2017, 12, 31),
    )
    RosterMember.objects.bulk_create(
        [RosterMember(roster=roster, person=p, unit=p.home_unit) for p in leaders],
        batch_size=1000,
    )

    # Scenario 5: the district's 59 trainees, nominated by five communes.
    district = Organization.objects.get(name="Ban Dân vận Huyện ủy Bù Đăng")
    course = Course.objects.get(owner=district, start_date=datetime.date(2022, 5, 25))
    communes = list(district.territory.children.order_by("sort_key")[:5])
    units = [Organization.objects.get(territory=commune) for commune in communes]
    people = [_person(rng, district, communes[i % 5]) for i in range(59)]
    _save_people(people, {i: [commune_cadre if i % 3 else secretary] for i in range(59)})
    for index, unit in enumerate(units):
        Quota.objects.create(course=course, unit=unit, places=12)
        _enroll(course, people[index::5], unit, done=0.97)

    _open_class_for_nominations(rng)


def _open_class_for_nominations(rng: random.Random) -> None:
    """Today's map: a province class open for nominations by commune units."""
    owner = Organization.objects.get(name="Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai")
    front = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Bù Đăng")
    loc_ninh = Organization.objects.get(name="Đảng ủy xã Lộc Ninh")
    today = datetime.date.today()
    start = today + datetime.timedelta(days=30)
    data = course_services.CourseData(
        kind="training",
        owner=owner,
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        title=f"Lớp bồi dưỡng nghiệp vụ công tác dân vận cấp xã năm {start.year}",
        capacity=60,
        venue="Hội trường Trường Chính trị tỉnh Đồng Nai",
        audience=list(
            TraineeCategory.objects.filter(code__in=["can-bo-dan-van-xa", "luc-luong-cot-can"])
        ),
    )
    course = course_services.course_create(actor=None, data=data)
    course.nomination_deadline = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=14), datetime.time(17, 0))
    )
    course.save(update_fields=["nomination_deadline"])
    for status in ("approved", "nominating"):
        course_services.course_transition(actor=None, course=course, to_status=status)
    Quota.objects.create(course=course, unit=front, places=8)
    Quota.objects.create(course=course, unit=loc_ninh, places=10)
    # The front's own people, ready to be nominated.
    home = front.territory
    people = [_person(rng, front, home) for _ in range(12)]
    _save_people(
        people, {i: [TraineeCategory.objects.get(code="luc-luong-cot-can")] for i in range(12)}
    )
