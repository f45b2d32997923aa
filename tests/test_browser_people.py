"""The person registry in a real browser: a district committee records its village
team leaders, is warned of a duplicate, merges it, and follows its target roster."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from accounts.models import User
from core.roles import Role
from geo.models import AdminUnit, Level
from nominations.models import Enrollment
from people.models import ChangeAction, Person
from tests.browser import login, shot
from tests.conftest import ensure_reference_data
from tests.course_helpers import make_course
from tests.factories import OrganizationFactory, UserFactory
from tests.test_browser import page  # noqa: F401 - the fixture is reused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_user(db: Any) -> User:
    ensure_reference_data()
    legacy = AdminUnit.objects.filter(edition="legacy")
    bu_dang = legacy.get(level="district", name="Huyện Bù Đăng")
    district = OrganizationFactory(name="Ban Dân vận Huyện ủy Bù Đăng", territory=bu_dang)
    return UserFactory(
        username="canbo.budang",
        full_name="Lê Thị Thu",
        organization=district,
        roles=[Role.COMMITTEE_STAFF],
    )


def _fill_person(tab: Any, name: str, commune: AdminUnit, **values: str) -> None:
    tab.get_by_label("Họ và tên", exact=True).fill(name)
    for label, value in values.items():
        tab.get_by_label(label, exact=True).fill(value)
    tab.get_by_label("Tìm nơi cư trú").fill(commune.name)
    tab.get_by_label(re.compile(f"^{re.escape(commune.name)}")).check()


def test_person_registry_in_the_browser(page: Any, district_user: User) -> None:  # noqa: F811
    assert district_user.organization is not None
    bu_dang = district_user.organization.territory
    commune = bu_dang.children.filter(level=Level.COMMUNE).order_by("sort_key").first()
    assert commune is not None
    login(page, "canbo.budang")

    # 1. A village team leader with a CCCD and a phone number.
    page.goto("/people/new/")
    _fill_person(
        page,
        "Điểu Văn Thạch",
        commune,
        **{
            "Ngày sinh": "02/03/1985",
            "Số CCCD": "070 085 001 234",
            "Điện thoại": "+84 912 345 678",
        },
    )
    page.get_by_label("Giới tính", exact=True).select_option(label="Nam")
    page.get_by_label("Dân tộc", exact=True).select_option(label="Xtiêng")
    page.get_by_label("Tổ trưởng tổ dân vận", exact=True).check()
    shot(page, "people-01-create-form")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="Điểu Văn Thạch").wait_for()
    fields = page.get_by_test_id("person-fields")
    assert fields.get_by_text("070085001234").is_visible()
    assert fields.get_by_text("0912345678").is_visible()
    shot(page, "people-02-detail")

    # 2. The same man entered again by year of birth only: the page warns first.
    page.goto("/people/new/")
    _fill_person(page, "Điểu văn Thạch", commune, **{"hoặc năm sinh": "1985"})
    page.get_by_label("Chức vụ", exact=True).fill("Tổ trưởng tổ dân vận thôn 2")
    page.get_by_role("button", name="Lưu").click()
    warning = page.get_by_test_id("duplicate-warning")
    assert warning.get_by_role("link", name="Điểu Văn Thạch").is_visible()
    shot(page, "people-03-duplicate-warning")
    assert Person.objects.count() == 1
    warning.get_by_role("button", name="Vẫn tạo hồ sơ mới").click()
    page.get_by_role("heading", name="Điểu văn Thạch").wait_for()
    assert Person.objects.count() == 2

    # 3. Merge the two records from the duplicates page.
    first = Person.objects.get(citizen_id="070085001234")
    second = Person.objects.exclude(pk=first.pk).get()
    course = make_course(district_user.organization, title="Lớp tổ trưởng tổ dân vận 2023",
                         start=datetime.date(2023, 5, 10))  # fmt: skip
    Enrollment.objects.create(course=course, person=second, completed=True)
    page.goto("/people/duplicates/")
    shot(page, "people-04-duplicates")
    page.get_by_role("link", name="Gộp").first.click()
    table = page.get_by_test_id("merge-table")
    table.get_by_label("Tổ trưởng tổ dân vận thôn 2").check()
    shot(page, "people-05-merge")
    page.get_by_role("button", name="Gộp hai hồ sơ").click()
    page.get_by_text("Đã gộp hai hồ sơ.").wait_for()
    survivor = Person.objects.get()
    assert survivor.position == "Tổ trưởng tổ dân vận thôn 2"
    assert survivor.citizen_id == "070085001234"
    assert survivor.changes.filter(action=ChangeAction.MERGE).exists()
    assert page.get_by_test_id("person-enrollments").get_by_text(course.title).is_visible()
    shot(page, "people-06-merged")

    # 4. A target roster of team leaders, filled by filter, and its coverage.
    page.goto("/people/rosters/new/")
    page.get_by_label("Tên danh sách").fill("Tổ trưởng tổ dân vận năm 2023")
    page.get_by_label("Tính từ ngày").fill("01/01/2023")
    page.get_by_label("Đến ngày").fill("31/12/2023")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="Thêm người theo điều kiện").click()
    page.get_by_label("Tổ trưởng tổ dân vận", exact=True).check()
    page.get_by_role("button", name="Xem trước số người").click()
    page.get_by_test_id("roster-preview").get_by_text("1 người thoả điều kiện").wait_for()
    page.get_by_role("button", name="Thêm vào danh sách").click()
    page.get_by_text("Đã thêm 1 người vào danh sách.").wait_for()
    shot(page, "people-07-roster")
    page.get_by_role("link", name="Kết quả bồi dưỡng").click()
    coverage = page.get_by_test_id("coverage-table")
    assert coverage.get_by_text(commune.name).is_visible()
    assert (
        coverage.get_by_text("100.0%").first.is_visible()
        or coverage.get_by_text("100,0%").first.is_visible()
    )
    assert page.get_by_test_id("coverage-members").get_by_text(course.title).is_visible()
    shot(page, "people-08-coverage")
