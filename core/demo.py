"""Demo data: the organisations of the five scenarios (DESIGN.md §5) and one user per role.

Organisations stand on the map of their time: the 2017 Bình Phước committee on
the pre-2025 map, its successor (Đồng Nai) on today's. Later issues add the
plans, classes and trainees of each scenario on top of these.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from accounts.models import User
from accounts.services import user_create
from core.demo_courses import demo_courses_load
from core.demo_people import demo_people_load
from core.roles import Role
from courses.models import Course
from geo.loader import geography_load
from geo.models import LEGACY_END_DATE, REFORM_DATE, AdminUnit, Level, MapEdition
from news import services as news
from orgs.models import Organization, OrganizationKind
from orgs.services import organization_create, organization_rename
from people.models import Lecturer, Person

K = OrganizationKind


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organization: str
    full_name: str
    note: str


DEMO_ACCOUNTS = [
    DemoAccount("admin", Role.ADMIN, "", "Quản trị hệ thống", "mọi thứ"),
    DemoAccount(
        "quanly.dongnai",
        Role.COMMITTEE_MANAGER,
        "Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai",
        "Nguyễn Thị Hồng",
        "lãnh đạo Ban tỉnh (bản đồ mới); thấy cả dữ liệu Bình Phước cũ",
    ),
    DemoAccount(
        "canbo.binhphuoc",
        Role.COMMITTEE_STAFF,
        "Ban Dân vận Tỉnh ủy Bình Phước",
        "Trần Văn Minh",
        "cán bộ Ban tỉnh 2017 (kịch bản 1)",
    ),
    DemoAccount(
        "canbo.budang",
        Role.COMMITTEE_STAFF,
        "Ban Dân vận Huyện ủy Bù Đăng",
        "Lê Thị Thu",
        "cán bộ Ban huyện (kịch bản 5)",
    ),
    DemoAccount(
        "canbo.locninh",
        Role.COMMITTEE_STAFF,
        "Ban Dân vận Huyện ủy Lộc Ninh",
        "Phạm Văn Tâm",
        "huyện láng giềng: không thấy dữ liệu Bù Đăng",
    ),
    DemoAccount(
        "daumoi.budang",
        Role.FOCAL_POINT,
        "Ủy ban MTTQ Việt Nam xã Bù Đăng",
        "Điểu Thị Lan",
        "đầu mối cử học viên: lớp tỉnh Đồng Nai đang nhận đề cử",
    ),
    DemoAccount(
        "giaovu.budang",
        Role.SECRETARY,
        "Trung tâm Chính trị huyện Bù Đăng",
        "Hoàng Văn Nam",
        "giáo vụ lớp",
    ),
    DemoAccount(
        "baocaovien",
        Role.LECTURER,
        "Ban Tuyên giáo và Dân vận Trung ương",
        "TS. Nguyễn Văn Hùng",
        "báo cáo viên Trung ương",
    ),
    DemoAccount(
        "hocvien.budang", Role.TRAINEE, "Ủy ban MTTQ Việt Nam huyện Bù Đăng", "Thị Hoa", "học viên"
    ),
    DemoAccount(
        "bientap.dongnai",
        Role.EDITOR,
        "Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai",
        "Vũ Thị Mai",
        "biên tập tin bài",
    ),
    DemoAccount(
        "canbo.quangbinh",
        Role.COMMITTEE_STAFF,
        "Ban Dân vận Tỉnh ủy Quảng Bình",
        "Đặng Quốc Việt",
        "kịch bản 2",
    ),
    DemoAccount(
        "canbo.bmt",
        Role.COMMITTEE_STAFF,
        "Ban Dân vận Thành ủy Buôn Ma Thuột",
        "Y Bhim Niê",
        "kịch bản 3",
    ),
    DemoAccount(
        "canbo.hagiang",
        Role.COMMITTEE_STAFF,
        "Ban Dân vận Tỉnh ủy Hà Giang",
        "Giàng Thị Mỷ",
        "kịch bản 4",
    ),
]


class DemoRefused(RuntimeError):
    pass


def _unit(edition: str, level: str, folded: str, parent: AdminUnit | None = None) -> AdminUnit:
    units = AdminUnit.objects.filter(edition=edition, level=level, name_folded=folded)
    if parent is not None:
        units = units.filter(parent=parent)
    return units.get()


def _district_committee_name(district: AdminUnit) -> str:
    body = {"Thành phố": "Thành ủy", "Thị xã": "Thị ủy", "Quận": "Quận ủy"}.get(
        district.unit_type, "Huyện ủy"
    )
    return f"Ban Dân vận {body} {district.short_name}"


@transaction.atomic
def demo_load(*, force: bool = False) -> list[DemoAccount]:
    """Create the demo organisations and accounts once; a second call changes nothing."""
    if not settings.DEBUG and not force:
        raise DemoRefused("DEBUG is off: refusing to load demo data (use --force).")
    if User.objects.filter(username="admin").exists():
        return []
    if not AdminUnit.objects.filter(level=Level.PROVINCE).exists():
        geography_load()

    legacy, current = MapEdition.LEGACY, MapEdition.CURRENT
    country = AdminUnit.objects.get(level=Level.COUNTRY)
    binh_phuoc = _unit(legacy, Level.PROVINCE, "tinh binh phuoc")
    dong_nai = _unit(current, Level.PROVINCE, "tinh dong nai")
    quang_binh = _unit(legacy, Level.PROVINCE, "tinh quang binh")
    ha_giang = _unit(legacy, Level.PROVINCE, "tinh ha giang")
    dak_lak = _unit(legacy, Level.PROVINCE, "tinh dak lak")
    bmt = _unit(legacy, Level.DISTRICT, "thanh pho buon ma thuot", dak_lak)
    bu_dang = _unit(legacy, Level.DISTRICT, "huyen bu dang", binh_phuoc)

    def org(
        kind: str,
        name: str,
        territory: AdminUnit,
        parent: Organization | None = None,
        valid_to: datetime.date | None = None,
    ) -> Organization:
        return organization_create(
            actor=None, kind=kind, name=name, territory=territory, parent=parent, valid_to=valid_to
        )

    central = org(K.COMMITTEE, "Ban Dân vận Trung ương", country)
    organization_rename(
        actor=None,
        organization=central,
        new_name="Ban Tuyên giáo và Dân vận Trung ương",
        effective=datetime.date(2025, 2, 1),
    )
    new_province = org(K.COMMITTEE, "Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai", dong_nai)
    new_province.valid_from = REFORM_DATE
    new_province.save(update_fields=["valid_from"])

    # Scenario 1 and 5: Bình Phước, 2017 and 2022, on the old map.
    province = org(
        K.COMMITTEE, "Ban Dân vận Tỉnh ủy Bình Phước", binh_phuoc, valid_to=LEGACY_END_DATE
    )
    province.successor = new_province
    province.save(update_fields=["successor"])
    org(
        K.POLITICAL_SCHOOL, "Trường Chính trị tỉnh Bình Phước", binh_phuoc, valid_to=LEGACY_END_DATE
    )
    for district in binh_phuoc.children.order_by("sort_key"):
        org(K.COMMITTEE, _district_committee_name(district), district, province, LEGACY_END_DATE)
    budang_committee = Organization.objects.get(name="Ban Dân vận Huyện ủy Bù Đăng")
    org(K.POLITICAL_SCHOOL, "Trung tâm Chính trị huyện Bù Đăng", bu_dang, None, LEGACY_END_DATE)
    org(K.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam huyện Bù Đăng", bu_dang, None, LEGACY_END_DATE)
    org(K.MASS_ORGANIZATION, "Hội Nông dân huyện Bù Đăng", bu_dang, None, LEGACY_END_DATE)
    org(K.POLICE, "Công an huyện Bù Đăng", bu_dang, None, LEGACY_END_DATE)
    for commune in bu_dang.children.order_by("sort_key")[:5]:
        org(
            K.PARTY_COMMITTEE,
            f"Đảng ủy {commune.unit_type.lower()} {commune.short_name}",
            commune,
            budang_committee,
            LEGACY_END_DATE,
        )
    loc_ninh_commune = _unit(current, Level.COMMUNE, "xa loc ninh", dong_nai)
    org(K.PARTY_COMMITTEE, "Đảng ủy xã Lộc Ninh", loc_ninh_commune, new_province)
    bu_dang_commune = _unit(current, Level.COMMUNE, "xa bu dang", dong_nai)
    org(K.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam xã Bù Đăng", bu_dang_commune, new_province)

    # Scenario 2: Quảng Bình, 2020, one-day class with the Front, organisations, agencies.
    qb = org(K.COMMITTEE, "Ban Dân vận Tỉnh ủy Quảng Bình", quang_binh, None, LEGACY_END_DATE)
    for kind, name in [
        (K.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam tỉnh Quảng Bình"),
        (K.MASS_ORGANIZATION, "Hội Liên hiệp Phụ nữ tỉnh Quảng Bình"),
        (K.MASS_ORGANIZATION, "Tỉnh đoàn Quảng Bình"),
        (K.MASS_ORGANIZATION, "Hội Cựu chiến binh tỉnh Quảng Bình"),
        (K.GOVERNMENT_AGENCY, "Sở Nội vụ tỉnh Quảng Bình"),
    ]:
        org(kind, name, quang_binh, qb, LEGACY_END_DATE)

    # Scenario 3: a city committee, 2023, with the city police as lecturers.
    city = org(K.COMMITTEE, "Ban Dân vận Thành ủy Buôn Ma Thuột", bmt, None, LEGACY_END_DATE)
    org(K.POLICE, "Công an thành phố Buôn Ma Thuột", bmt, city, LEGACY_END_DATE)

    # Scenario 4: a province committee with the provincial political school.
    hg = org(K.COMMITTEE, "Ban Dân vận Tỉnh ủy Hà Giang", ha_giang, None, LEGACY_END_DATE)
    org(K.POLITICAL_SCHOOL, "Trường Chính trị tỉnh Hà Giang", ha_giang, hg, LEGACY_END_DATE)

    demo_courses_load()
    demo_people_load()

    for account in DEMO_ACCOUNTS:
        organization = (
            Organization.objects.get(name=account.organization) if account.organization else None
        )
        user = user_create(
            actor=None,
            username=account.username,
            password=settings.DEMO_PASSWORD,
            organization=organization,
            roles=[account.role],
            full_name=account.full_name,
        )
        if account.role == Role.LECTURER:
            # The central lecturer's account: sees and subscribes to their own sessions.
            Lecturer.objects.filter(person__full_name="Nguyễn Văn Hùng").update(user=user)
        if account.role == Role.TRAINEE:
            # The trainee's account: the first of scenario 5's trainees (own class page).
            person = (
                Person.objects.filter(
                    enrollments__course__owner__name="Ban Dân vận Huyện ủy Bù Đăng",
                    enrollments__course__start_date=datetime.date(2022, 5, 25),
                )
                .order_by("pk")
                .first()
            )
            if person is not None:
                person.user = user
                person.save(update_fields=["user"])
                user.full_name = person.full_name
                user.save(update_fields=["full_name"])
        if account.role == Role.ADMIN:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
    demo_news_load()
    return DEMO_ACCOUNTS


# The five scenario classes (owner, first day) and what the demo does with each
# one's article: "/tin-tuc/" shows three published ones on a fresh `make run`.
DEMO_NEWS = [
    ("Ban Dân vận Huyện ủy Bù Đăng", datetime.date(2022, 5, 25), "published"),
    ("Ban Dân vận Tỉnh ủy Quảng Bình", datetime.date(2020, 9, 17), "published"),
    ("Ban Dân vận Tỉnh ủy Hà Giang", datetime.date(2024, 8, 20), "published"),
    ("Ban Dân vận Thành ủy Buôn Ma Thuột", datetime.date(2023, 4, 12), "review"),
    ("Ban Dân vận Tỉnh ủy Bình Phước", datetime.date(2017, 6, 5), "draft"),
]


def demo_news_load() -> int:
    """Drafts written from the scenario classes by the news services; some published."""
    published = 0
    for owner, start, status in DEMO_NEWS:
        course = Course.objects.filter(owner__name=owner, start_date=start).order_by("pk").first()
        if course is None:
            continue
        article = news.article_draft_from_course(actor=None, course=course)
        for step in {"draft": [], "review": ["review"]}.get(status, ["review", "published"]):
            article = news.article_transition(actor=None, article=article, to_status=step)
        published += status == "published"
    return published
