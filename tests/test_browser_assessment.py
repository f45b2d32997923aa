"""Issue #5 items 3–4 in a real browser: the lecturer of the class grades two
trainees on the batch screen (each row saved by htmx, no reload; a wrong
score is refused in place); the committee manager computes the results and
overrides one with a recorded reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounts.models import User
from assessment.models import Assignment, Result
from core.roles import Role
from geo.models import AdminUnit
from nominations import services as nomination_services
from orgs.models import OrganizationKind
from tests.browser import login, shot
from tests.conftest import ensure_reference_data
from tests.factories import OrganizationFactory, UserFactory
from tests.test_assessment_fixtures import assessed_course, lecturer_user, mark_all
from tests.test_browser import page  # noqa: F401 - the fixture is reused
from tests.test_nominations_fixtures import make_person, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(db: Any) -> dict[str, Any]:
    ensure_reference_data()
    bu_dang = AdminUnit.objects.get(edition="legacy", level="district", name="Huyện Bù Đăng")
    committee = OrganizationFactory(name="Ban Dân vận Huyện ủy Bù Đăng", territory=bu_dang)
    front = make_unit(
        committee, "Ủy ban MTTQ Việt Nam huyện Bù Đăng", OrganizationKind.FATHERLAND_FRONT
    )
    manager: User = UserFactory(username="lanhdao.budang", full_name="Trần Văn Minh",
                                organization=committee, roles=[Role.COMMITTEE_MANAGER])  # fmt: skip
    _user, lecturer = lecturer_user(committee, "bcv.hung", "Nguyễn Văn Hùng")
    course = assessed_course(committee, lecturer, "Lớp bồi dưỡng công tác dân vận 2022")
    enrollments = []
    for name, absent in (("Nguyễn Văn An", 0), ("Lê Thị Bình", 0), ("Phạm Văn Cường", 2)):
        person = make_person(front, name)
        e = nomination_services.enroll_directly(actor=None, course=course, person=person)
        mark_all(e, absent=absent)
        Assignment.objects.create(enrollment=e, text=f"Bài thu hoạch của {name}.",
                                  submitted_at=e.enrolled_at, submitted_by=manager)  # fmt: skip
        enrollments.append(e)
    return {"course": course, "enrollments": enrollments}


def _logout(browser_page: Any) -> None:
    browser_page.get_by_test_id("user-menu").click()
    browser_page.get_by_role("button", name="Đăng xuất").click()


def test_grade_compute_override(page: Any, setting: dict[str, Any]) -> None:  # noqa: F811
    course = setting["course"]
    an, binh, cuong = setting["enrollments"]

    # 1. The lecturer opens the batch grading screen of the class they teach.
    login(page, "bcv.hung")
    page.goto(f"/assessment/courses/{course.pk}/grading/")
    page.evaluate("window.notReloaded = true")

    # 2. A score in words is refused in place, nothing saved.
    page.get_by_label("Điểm của Nguyễn Văn An", exact=True).fill("tám")
    page.get_by_role("button", name="Lưu điểm của Nguyễn Văn An").click()
    row = page.get_by_test_id(f"grade-row-{an.pk}")
    row.get_by_test_id("grade-error").wait_for()
    assert "không phải là số" in row.get_by_test_id("grade-error").inner_text()
    assert Assignment.objects.get(enrollment=an).score is None

    # 3. Two trainees graded, each row saved on its own, the page never reloads.
    page.get_by_label("Điểm của Nguyễn Văn An", exact=True).fill("8,5")
    page.get_by_label("Nhận xét bài của Nguyễn Văn An").fill("Liên hệ thực tiễn tốt")
    page.get_by_role("button", name="Lưu điểm của Nguyễn Văn An").click()
    row.get_by_test_id("saved").wait_for()
    assert row.get_by_test_id("grade-label").inner_text() == "Giỏi"
    page.get_by_label("Điểm của Phạm Văn Cường", exact=True).fill("4,5")
    page.get_by_role("button", name="Lưu điểm của Phạm Văn Cường").click()
    page.get_by_test_id(f"grade-row-{cuong.pk}").get_by_test_id("saved").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert Assignment.objects.get(enrollment=an).score == Decimal("8.5")
    assert Assignment.objects.get(enrollment=cuong).score == Decimal("4.5")
    shot(page, "a-01-lecturer-grading")
    _logout(page)

    # 4. The manager computes the results: reasons in Vietnamese.
    login(page, "lanhdao.budang")
    page.goto(f"/assessment/courses/{course.pk}/")
    page.get_by_role("button", name="Xét kết quả").click()
    page.get_by_text("Đã xét kết quả: 1/3 học viên hoàn thành.").wait_for()
    cuong_row = page.get_by_test_id(f"result-row-{cuong.pk}")
    assert "vắng 2/4 buổi" in cuong_row.inner_text()
    assert "điểm 4,5 dưới mức đạt 5" in cuong_row.inner_text()
    assert (
        "bài thu hoạch chưa được chấm" in page.get_by_test_id(f"result-row-{binh.pk}").inner_text()
    )
    shot(page, "a-02-results-computed")

    # 5. An override with its reason; recomputing keeps it.
    cuong_row.get_by_text("Quyết định").first.click()
    page.get_by_label("Quyết định cho Phạm Văn Cường", exact=True).select_option("pass")
    page.get_by_label("Lý do quyết định cho Phạm Văn Cường").fill("Ốm có giấy viện, đã học bù")
    cuong_row.get_by_role("button", name="Ghi quyết định").click()
    page.get_by_text("Đã ghi quyết định cho Phạm Văn Cường.").wait_for()
    page.get_by_role("button", name="Xét kết quả").click()
    page.get_by_text("Đã xét kết quả: 2/3 học viên hoàn thành.").wait_for()
    cuong_row = page.get_by_test_id(f"result-row-{cuong.pk}")
    assert "Ốm có giấy viện, đã học bù" in cuong_row.get_by_test_id("override").inner_text()
    assert "Hoàn thành" in cuong_row.get_by_test_id("result").inner_text()
    result = Result.objects.get(enrollment=cuong)
    assert result.override is True and result.override_by is not None
    shot(page, "a-03-results-override")
