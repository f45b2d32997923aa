"""Issue #5 items 1–2 in a real browser: the class secretary marks everyone
present, then one trainee late and one excused (with a reason) in the table,
each change saved without reloading the page; then checks a trainee in by
opening the check-in address of their badge's QR code.
"""

from __future__ import annotations

import types
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from attendance import services
from attendance.models import Attendance, Mark, MarkSource
from core.roles import Role
from courses.models import Session
from geo.models import AdminUnit
from nominations.models import Enrollment
from tests.browser import login, shot
from tests.conftest import ensure_reference_data
from tests.factories import OrganizationFactory, UserFactory
from tests.test_attendance_fixtures import DAY1, at, running_course
from tests.test_browser import page  # noqa: F401 - the fixture is reused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(db: Any) -> dict[str, Any]:
    ensure_reference_data()
    bu_dang = AdminUnit.objects.get(edition="legacy", level="district", name="Huyện Bù Đăng")
    committee = OrganizationFactory(name="Ban Dân vận Huyện ủy Bù Đăng", territory=bu_dang)
    secretary: User = UserFactory(username="giaovu.budang", full_name="Vũ Thị Hạnh",
                                  organization=committee, roles=[Role.SECRETARY])  # fmt: skip
    course = running_course(committee)
    return {"course": course, "secretary": secretary}


def _saved(response: Any) -> bool:
    """The htmx POST of one row's change."""
    return "/mark/" in response.url and response.request.method == "POST"


def test_mark_table_then_check_in(page: Any, setting: dict[str, Any], monkeypatch: Any) -> None:  # noqa: F811
    course = setting["course"]
    session = Session.objects.filter(course=course).order_by("starts_at").first()
    assert session is not None
    login(page, "giaovu.budang")
    page.goto(f"/attendance/courses/{course.pk}/")
    shot(page, "att-01-grid-empty")
    page.get_by_role("link", name="25/05 Sáng").click()
    page.get_by_role("heading", name="Điểm danh buổi học").wait_for()
    page.get_by_role("button", name="Tất cả có mặt").click()
    page.get_by_text("Đã điểm danh có mặt 5 học viên.").wait_for()
    assert Attendance.objects.filter(session=session, mark=Mark.PRESENT).count() == 5
    page.evaluate("window.__notReloaded = true")

    # One late: chosen in the row's list, saved by htmx.
    with page.expect_response(_saved):
        page.get_by_label("Điểm danh Lê Văn Cường").select_option(label="Đi muộn")
    cuong = Enrollment.objects.get(course=course, person__full_name="Lê Văn Cường")
    assert Attendance.objects.get(session=session, enrollment=cuong).mark == Mark.LATE

    # One excused: refused without a reason, then saved with it.
    with page.expect_response(_saved):
        page.get_by_label("Điểm danh Phạm Thị Dung").select_option(label="Vắng có phép")
    page.get_by_role("alert").filter(has_text="Vắng có phép phải ghi lý do.").wait_for()
    shot(page, "att-02-reason-needed")
    dung = Enrollment.objects.get(course=course, person__full_name="Phạm Thị Dung")
    assert Attendance.objects.get(session=session, enrollment=dung).mark == Mark.PRESENT
    page.get_by_label("Lý do của Phạm Thị Dung").fill("Đi công tác theo quyết định của huyện")
    with page.expect_response(_saved):
        page.keyboard.press("Tab")
    page.get_by_role("alert").filter(has_text="Vắng có phép phải ghi lý do.").wait_for(
        state="detached"
    )
    saved = Attendance.objects.get(session=session, enrollment=dung)
    assert (saved.mark, saved.reason) == (Mark.EXCUSED, "Đi công tác theo quyết định của huyện")
    assert page.evaluate("window.__notReloaded") is True
    shot(page, "att-03-table-marked")

    page.goto(f"/attendance/courses/{course.pk}/")
    shot(page, "att-04-grid")

    # QR check-in: the badge's address, opened at 07:40 of the first day.
    an = Enrollment.objects.get(course=course, person__full_name="Nguyễn Văn An")
    Attendance.objects.filter(enrollment=an).delete()
    badge = dict(services.badges_for(actor=None, course=course))[an]
    clock = types.SimpleNamespace(
        now=lambda: at(DAY1, 7, 40), localdate=timezone.localdate, localtime=timezone.localtime
    )
    monkeypatch.setattr(services, "timezone", clock)
    page.goto(f"/attendance/checkin/{services.badge_token(badge)}/")
    page.get_by_test_id("checkin-result").get_by_text("Đã điểm danh: Có mặt").wait_for()
    shot(page, "att-05-checkin")
    row = Attendance.objects.get(session=session, enrollment=an)
    assert (row.mark, row.source) == (Mark.PRESENT, MarkSource.QR)
    page.reload()
    page.get_by_text("Nguyễn Văn An đã được điểm danh buổi này lúc").wait_for()
    shot(page, "att-06-checkin-twice")
