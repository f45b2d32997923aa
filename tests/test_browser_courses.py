"""Scenario 1 in a real browser: a province committee sets up its 2017 training.

Plan 15-KH/BDVTU, 11 districts and towns in 5 cluster classes, a topic, a
lecturer, the programme of a class, a guest giving the opening speech, the
printable programme, and the lecturer-clash check.
"""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from core.roles import Role
from courses.models import Course
from geo.models import AdminUnit
from planning.models import TrainingPlan
from tests.browser import login, shot
from tests.conftest import ensure_reference_data
from tests.factories import OrganizationFactory, UserFactory
from tests.test_browser import page  # noqa: F401 - the fixture is reused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLUSTERS = {
    1: ["Thị xã Bình Long", "Huyện Hớn Quản", "Thị xã Chơn Thành"],
    2: ["Huyện Lộc Ninh", "Huyện Bù Đốp"],
    3: ["Huyện Bù Đăng", "Huyện Phú Riềng"],
    4: ["Thị xã Phước Long", "Huyện Bù Gia Mập"],
    5: ["Thành phố Đồng Xoài", "Huyện Đồng Phú"],
}
TOWNS = {1: "Thị xã Bình Long", 2: "Huyện Lộc Ninh", 3: "Huyện Bù Đăng", 4: "Thị xã Phước Long",
         5: "Thành phố Đồng Xoài"}  # fmt: skip


@pytest.fixture
def committee_user(db: Any) -> User:
    ensure_reference_data()
    binh_phuoc = AdminUnit.objects.get(edition="legacy", level="province", code="70")
    province = OrganizationFactory(name="Ban Dân vận Tỉnh ủy Bình Phước", territory=binh_phuoc)
    return UserFactory(username="canbo.binhphuoc", full_name="Trần Văn Minh",
                       organization=province, roles=[Role.COMMITTEE_STAFF])  # fmt: skip


def test_scenario_1_set_up_in_the_browser(page: Any, committee_user: User) -> None:  # noqa: F811
    login(page, "canbo.binhphuoc")

    # 1. The annual plan with its targets.
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Thêm kế hoạch").click()
    page.get_by_label("Số", exact=True).fill("15")
    page.get_by_label("Ký hiệu").fill("KH/BDVTU")
    page.get_by_label("Năm").fill("2017")
    page.get_by_label("Ngày ban hành").fill("10/03/2017")
    page.get_by_label("Trích yếu").fill("Kế hoạch bồi dưỡng nghiệp vụ công tác dân vận năm 2017")
    page.get_by_label("Số lớp kế hoạch").fill("5")
    page.get_by_label("Tổng số học viên").fill("950")
    page.get_by_label("Tổ trưởng tổ dân vận").fill("866")
    shot(page, "s1-01-plan-form")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="Kế hoạch số 15-KH/BDVTU").wait_for()
    assert page.get_by_test_id("plan-progress").get_by_text("0 / 5").is_visible()

    # 2. Five cluster classes for the 11 districts and towns.
    page.goto("/courses/clusters/new/?count=5")
    page.get_by_label("Tên lớp").fill("Lớp bồi dưỡng nghiệp vụ công tác dân vận năm 2017")
    page.get_by_label("Thuộc kế hoạch").select_option(
        label="15-KH/BDVTU — Kế hoạch bồi dưỡng nghiệp vụ công tác dân vận năm 2017"
    )
    page.get_by_label("Số học viên dự kiến").fill("190")
    page.get_by_label("Ngày bắt đầu").fill("05/06/2017")
    page.get_by_label("Ngày kết thúc").fill("06/06/2017")
    page.get_by_label("Tổ trưởng tổ dân vận").check()
    for index, town in TOWNS.items():
        page.get_by_label(f"Địa điểm {index}").fill("Hội trường Trung tâm Bồi dưỡng chính trị")
        page.get_by_label(f"Tổ chức tại {index}").select_option(label=town)
        page.get_by_label(f"Từ ngày {index}").fill(f"{2 + 3 * index:02d}/06/2017")
        page.get_by_label(f"Đến ngày {index}").fill(f"{3 + 3 * index:02d}/06/2017")
        for unit in CLUSTERS[index]:
            page.get_by_label(unit, exact=True).select_option(str(index))
    shot(page, "s1-02-cluster-form")
    page.get_by_role("button", name="Tạo các lớp").click()
    page.get_by_text("Đã tạo 5 lớp của cụm.").wait_for()
    assert Course.objects.count() == 5
    shot(page, "s1-03-cluster-created")

    # 3. A topic and a lecturer for the catalogue.
    page.goto("/courses/topics/new/")
    page.get_by_label("Tên chuyên đề").fill("Công tác dân vận trong tình hình mới")
    page.get_by_label("Từ khoá").fill("dân vận, tình hình mới")
    page.get_by_role("button", name="Lưu").click()
    page.goto("/courses/lecturers/new/")
    page.get_by_label("Họ và tên").fill("Nguyễn Văn Hùng")
    page.get_by_label("Học hàm, học vị").select_option("TS")
    page.get_by_label("Chức vụ, nơi công tác").fill("Chánh Văn phòng Ban Dân vận Trung ương")
    page.get_by_label("Chuyên đề giảng dạy", exact=True).select_option(
        label="Công tác dân vận trong tình hình mới"
    )
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="TS. Nguyễn Văn Hùng").wait_for()

    # 4. The programme of the first class: opening, a lecture, and a guest.
    first = Course.objects.get(title__contains="cụm 1")
    page.goto(f"/courses/{first.pk}/")
    page.get_by_role("link", name="Thêm buổi học").click()
    page.get_by_label("Nội dung", exact=True).select_option("opening")
    page.get_by_label("Từ giờ").fill("07:30")
    page.get_by_label("Đến giờ").fill("08:00")
    page.get_by_role("button", name="Lưu và thêm buổi khác").click()
    page.get_by_text("Đã thêm buổi học.").wait_for()
    page.get_by_label("Chuyên đề", exact=True).select_option(
        label="Công tác dân vận trong tình hình mới"
    )
    page.get_by_label("Từ giờ").fill("08:00")
    page.get_by_label("Đến giờ").fill("11:30")
    # The filter box above the long list: typed without accents, it leaves the match.
    lecturers = page.get_by_label("Báo cáo viên", exact=True)
    page.get_by_label("Lọc: Báo cáo viên").fill("nguyen van hung")
    visible = lecturers.locator("option:not([hidden])")
    assert visible.all_inner_texts() == ["TS. Nguyễn Văn Hùng"]
    lecturers.select_option(label="TS. Nguyễn Văn Hùng")
    page.get_by_text("Đã chọn: TS. Nguyễn Văn Hùng").wait_for()
    shot(page, "s1-04-session-form")
    page.get_by_role("button", name="Lưu", exact=True).click()
    programme = page.get_by_test_id("programme")
    programme.get_by_text("Công tác dân vận trong tình hình mới").wait_for()
    page.get_by_role("link", name="Thêm đại biểu").click()
    page.get_by_label("Họ và tên").fill("Nguyễn Văn Lợi")
    page.get_by_label("Chức vụ").fill("Phó Bí thư Thường trực Tỉnh ủy")
    page.get_by_label("Phát biểu khai giảng").check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_test_id("guests").get_by_text("Nguyễn Văn Lợi").wait_for()
    shot(page, "s1-05-class-page")

    # 5. The printable programme is a PDF.
    pdf = page.request.get(f"/exports/courses/{first.pk}/programme.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # 6. The same lecturer cannot be in the Lộc Ninh class at the same hour.
    second = Course.objects.get(title__contains="cụm 2")
    page.goto(f"/courses/{second.pk}/sessions/new/")
    page.get_by_label("Ngày", exact=True).fill("05/06/2017")
    page.get_by_role("button", name="Lưu", exact=True).click()  # outside the class dates
    page.get_by_text("nằm ngoài thời gian của lớp").wait_for()
    first.refresh_from_db()
    second.start_date = first.start_date
    second.end_date = first.end_date
    second.save(update_fields=["start_date", "end_date"])
    page.get_by_label("Chuyên đề", exact=True).select_option(
        label="Công tác dân vận trong tình hình mới"
    )
    page.get_by_label("Từ giờ").fill("09:00")
    page.get_by_label("Đến giờ").fill("10:00")
    page.get_by_label("Báo cáo viên", exact=True).select_option(label="TS. Nguyễn Văn Hùng")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_text("TS. Nguyễn Văn Hùng đã giảng buổi").wait_for()
    shot(page, "s1-06-lecturer-clash")

    # 7. The plan page lists the five classes, none held yet.
    plan = TrainingPlan.objects.get()
    page.goto(f"/plans/{plan.pk}/")
    assert page.get_by_test_id("course-table").locator("tbody tr").count() == 5
    shot(page, "s1-07-plan-page")
