"""Real headless Chromium (Debian's) through Playwright: log in, browse, manage."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import User
from core.roles import Role
from geo.models import AdminUnit
from orgs.models import Organization
from tests.browser import browser_context, login, shot
from tests.conftest import ensure_reference_data
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    with browser_context(live_server.url) as context:
        yield context.new_page()


@pytest.fixture
def people(db: Any) -> dict[str, User]:
    ensure_reference_data()
    legacy = AdminUnit.objects.filter(edition="legacy")
    binh_phuoc = legacy.get(level="province", code="70")
    bu_dang = legacy.get(level="district", name="Huyện Bù Đăng")
    loc_ninh = legacy.get(level="district", name="Huyện Lộc Ninh")
    province = OrganizationFactory(name="Ban Dân vận Tỉnh ủy Bình Phước", territory=binh_phuoc)
    district = OrganizationFactory(
        name="Ban Dân vận Huyện ủy Bù Đăng", territory=bu_dang, parent=province
    )
    neighbour = OrganizationFactory(
        name="Ban Dân vận Huyện ủy Lộc Ninh", territory=loc_ninh, parent=province
    )
    return {
        "manager": UserFactory(
            username="quanly.budang",
            full_name="Lê Thị Thu",
            organization=district,
            roles=[Role.COMMITTEE_MANAGER],
        ),
        "neighbour": UserFactory(
            username="canbo.locninh", organization=neighbour, roles=[Role.COMMITTEE_STAFF]
        ),
        "trainee": UserFactory(username="hocvien", organization=district, roles=[Role.TRAINEE]),
    }


def test_login_failure_then_success_in_vietnamese(page: Any, people: dict[str, User]) -> None:
    page.goto("/")
    assert page.title().startswith("Đăng nhập")  # Vietnamese although the browser asks English
    shot(page, "01-login")
    page.get_by_label("Tên đăng nhập").fill("quanly.budang")
    page.get_by_label("Mật khẩu").fill("sai")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("alert").filter(has_text="không đúng").wait_for()
    shot(page, "02-login-failed")
    login(page, "quanly.budang")
    assert page.get_by_role("heading", name=re.compile("Xin chào")).is_visible()
    shot(page, "03-home-manager")
    # The full top bar of a manager fits office screens from 1200 px (the bar collapses
    # below): nothing is pushed off the right edge.
    for width in (1200, 1280, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") == width
        assert page.get_by_test_id("user-menu").is_visible()
    page.set_viewport_size({"width": 1280, "height": 860})


def test_browse_units_old_and_new_maps(page: Any, people: dict[str, User]) -> None:
    login(page, "quanly.budang")
    page.get_by_role("link", name="Địa giới hành chính").first.click()
    assert page.locator("[data-testid=unit-results] tbody tr").count() == 34
    shot(page, "04-units-provinces")

    page.get_by_label("Tìm đơn vị").fill("loc ninh")  # no accents, htmx live search
    page.wait_for_selector("text=Huyện Lộc Ninh")
    shot(page, "05-units-search-loc-ninh")
    page.get_by_role("link", name="Huyện Lộc Ninh", exact=True).click()
    successors = page.locator("[data-testid=successors]")
    assert successors.get_by_text("Tỉnh Đồng Nai").first.is_visible()
    assert successors.get_by_role("link", name="Xã Lộc Ninh").is_visible()
    shot(page, "06-unit-legacy-district")

    successors.get_by_role("link", name="Xã Lộc Ninh").click()
    predecessors = page.locator("[data-testid=predecessors]")
    assert predecessors.get_by_role("link", name="Huyện Lộc Ninh").is_visible()
    shot(page, "07-unit-current-commune")

    page.goto("/geo/?q=" + "x" * 300)
    assert page.get_by_role("alert").filter(has_text="quá dài").is_visible()


def test_manager_creates_and_renames_an_organisation(page: Any, people: dict[str, User]) -> None:
    login(page, "quanly.budang")
    page.get_by_role("link", name="Cơ quan, đơn vị").first.click()
    page.get_by_role("link", name="Ban Dân vận Huyện ủy Bù Đăng").wait_for()
    assert page.get_by_text("Lộc Ninh").count() == 0  # the neighbour stays invisible
    shot(page, "08-orgs-list")

    page.get_by_role("link", name="Thêm cơ quan").click()
    page.get_by_label("Loại").select_option("political_school")
    page.get_by_role("textbox", name="Tên", exact=True).fill("Trung tâm Chính trị huyện Bù Đăng")
    page.get_by_placeholder("Gõ tên tỉnh, huyện, xã để chọn…").fill("bu dang")
    page.get_by_label("Huyện Bù Đăng (cũ) — Tỉnh Bình Phước").check()
    page.get_by_label("Hoạt động từ").fill("31/02/2020")  # impossible date
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Nhập một ngày hợp lệ").wait_for()
    assert not Organization.objects.filter(name="Trung tâm Chính trị huyện Bù Đăng").exists()
    shot(page, "09-org-form-error")

    page.get_by_label("Hoạt động từ").fill("01/01/2010")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="Trung tâm Chính trị huyện Bù Đăng").wait_for()

    page.get_by_role("link", name="Đổi tên").click()
    page.get_by_label("Tên mới").fill("Trung tâm Chính trị xã Bù Đăng")
    page.get_by_label("Có hiệu lực từ ngày").fill("01/07/2025")
    page.get_by_role("button", name="Đổi tên").click()
    history = page.locator("[data-testid=name-history]")
    assert history.get_by_text("Trung tâm Chính trị huyện Bù Đăng").is_visible()
    assert history.get_by_text("01/01/2010 – 30/06/2025").is_visible()
    assert history.get_by_text("01/07/2025 – nay").is_visible()
    shot(page, "10-org-detail-renamed")


def test_manager_creates_an_account_and_language_switch(page: Any, people: dict[str, User]) -> None:
    login(page, "quanly.budang")
    page.get_by_role("link", name="Tài khoản").first.click()
    page.get_by_role("link", name="Thêm tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("giaovu.budang")
    page.get_by_label("Họ và tên").fill("Hoàng Văn Nam")
    page.get_by_label("Cơ quan, đơn vị").select_option(label="Ban Dân vận Huyện ủy Bù Đăng")
    page.get_by_label("Giáo vụ lớp").check()
    assert page.get_by_label("Quản trị hệ thống").count() == 0  # a manager cannot grant it
    page.locator("#id_password1").fill("Giao-vu-2025!")
    page.locator("#id_password2").fill("Giao-vu-2025!")
    shot(page, "11-user-form")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="giaovu.budang").wait_for()
    assert page.get_by_text("canbo.locninh").count() == 0
    shot(page, "12-user-list")

    page.get_by_label("Ngôn ngữ").select_option("en")
    page.wait_for_selector("text=Accounts")
    shot(page, "13-user-list-english")


def test_outsider_and_trainee_are_refused(page: Any, people: dict[str, User]) -> None:
    district = Organization.objects.get(name="Ban Dân vận Huyện ủy Bù Đăng")
    login(page, "canbo.locninh")
    response = page.goto(f"/orgs/{district.pk}/")
    assert response is not None and response.status == 404
    assert page.get_by_text("nằm ngoài phạm vi quản lý").is_visible()
    shot(page, "14-outsider-404")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    login(page, "hocvien")
    assert page.get_by_role("link", name="Cơ quan, đơn vị").count() == 0  # menu by role
    response = page.goto("/orgs/")
    assert response is not None and response.status == 403
    shot(page, "15-trainee-403")
