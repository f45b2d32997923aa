"""The calendar in real headless Chromium (Debian's) through Playwright.

Screenshots go to test-artifacts/ (override with ARTIFACTS_DIR):
calendar-month.png, calendar-week.png and the phone layouts.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from core.roles import Role
from courses import services
from courses.calendar import add_months
from courses.models import Course
from geo.models import AdminUnit
from tests.browser import browser_context, login, shot
from tests.conftest import ensure_reference_data
from tests.course_helpers import make_course, make_lecturer, make_topic
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server: Any, calendar_data: dict[str, Any]) -> Iterator[Any]:
    # The data is made before the browser starts (hence `calendar_data` here).
    with browser_context(live_server.url) as context:
        yield context.new_page()


def _next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def calendar_data(db: Any) -> dict[str, Any]:
    """Bù Đăng's classes two months ahead, a neighbour's class the same week."""
    ensure_reference_data()
    legacy = AdminUnit.objects.filter(edition="legacy")
    binh_phuoc = legacy.get(level="province", code="70")
    province = OrganizationFactory(name="Ban Dân vận Tỉnh ủy Bình Phước", territory=binh_phuoc)
    district = OrganizationFactory(
        name="Ban Dân vận Huyện ủy Bù Đăng",
        territory=legacy.get(level="district", name="Huyện Bù Đăng"),
        parent=province,
    )
    neighbour = OrganizationFactory(
        name="Ban Dân vận Huyện ủy Lộc Ninh",
        territory=legacy.get(level="district", name="Huyện Lộc Ninh"),
        parent=province,
    )
    UserFactory(
        username="quanly.budang",
        full_name="Lê Thị Thu",
        organization=district,
        roles=[Role.COMMITTEE_MANAGER],
    )
    month = add_months(timezone.localdate().replace(day=1), 2)
    start = _next_weekday(month + datetime.timedelta(days=7), 1)  # the 2nd Tuesday or so
    course = make_course(
        district,
        title="Lớp bồi dưỡng nghiệp vụ công tác dân vận cho tổ trưởng tổ dân vận",
        start=start,
        days=3,
        venue="Trung tâm Chính trị huyện Bù Đăng",
    )
    services.course_transition(actor=None, course=course, to_status="approved")
    central = make_lecturer(district, "Nguyễn Văn Hùng", "TS")
    police = make_lecturer(district, "Trần Quốc Bảo", "ThS")
    t = datetime.time
    new_era = "Công tác dân vận trong tình hình mới"
    democracy = "Xây dựng và thực hiện quy chế dân chủ ở cơ sở"
    online = "Bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng"
    programme = [
        (0, "morning", "opening", "", (t(7, 30), t(8, 45)), []),
        (0, "morning", "lecture", new_era, (t(9), t(11, 15)), [central]),
        (0, "afternoon", "lecture", democracy, None, [central]),
        (1, "morning", "lecture", online, None, [police]),
        (1, "afternoon", "discussion", "", None, []),
        (1, "evening", "other", "Giao lưu văn nghệ", None, []),
        (2, "morning", "assignment", "", None, []),
        (2, "afternoon", "closing", "", (t(15, 30), t(17)), []),
    ]  # fmt: skip
    for offset, half_day, kind, title, hours, lecturers in programme:
        services.session_create(
            actor=None,
            course=course,
            date=start + datetime.timedelta(days=offset),
            half_day=half_day,
            kind=kind,
            topic=make_topic(district, title) if kind == "lecture" else None,
            title=title if kind != "lecture" else "",
            start_time=hours[0] if hours else None,
            end_time=hours[1] if hours else None,
            room="Hội trường A" if half_day != "evening" else "Sân khấu ngoài trời",
            lecturers=lecturers,
        )
    conference = make_course(
        district,
        title="Hội nghị tập huấn công tác dân vận chính quyền",
        start=start + datetime.timedelta(days=2),
        days=1,
        kind="conference",
    )
    theirs = make_course(neighbour, title="Lớp của Lộc Ninh", start=start, days=2)
    return {"month": month, "start": start, "course": course, "conference": conference,
            "theirs": theirs}  # fmt: skip


def test_calendar_month_then_week(page: Any, calendar_data: dict[str, Any]) -> None:
    course: Course = calendar_data["course"]
    start: datetime.date = calendar_data["start"]
    today = timezone.localdate()
    login(page, "quanly.budang")

    page.get_by_role("link", name="Lịch", exact=True).first.click()
    page.wait_for_url(re.compile(r"/calendar/$"))
    assert page.get_by_role("heading", name=f"Lịch tháng {today.month}/{today.year}").is_visible()
    assert page.locator('td[aria-current="date"]').count() == 1  # today, highlighted
    shot(page, "calendar-month-today")

    # Two months ahead with the "next month" link.
    for _ in range(2):
        page.get_by_role("link", name="Tháng sau").click()
    month = calendar_data["month"]
    page.wait_for_url(re.compile(rf"month={month:%Y-%m}$"))
    assert page.get_by_role("heading", name=f"Lịch tháng {month.month}/{month.year}").is_visible()
    grid = page.get_by_test_id("month-grid")
    first_day = grid.locator(f'td[data-date="{start.isoformat()}"]')
    assert first_day.get_by_role("link", name=course.title).is_visible()
    assert first_day.get_by_text("Đã duyệt").is_visible()
    assert first_day.get_by_text("09:00 Công tác dân vận trong tình hình mới").is_visible()
    assert grid.get_by_role("link", name=course.title).count() == 3  # one per day
    assert grid.get_by_text("Hội nghị tập huấn công tác dân vận chính quyền").is_visible()
    assert page.get_by_text("Lớp của Lộc Ninh").count() == 0  # the neighbour's class
    shot(page, "calendar-month")

    # A bad month: the message, and the current month instead.
    response = page.goto("/calendar/?month=2026-13")
    assert response is not None and response.status == 400
    assert page.get_by_role("alert").filter(has_text="Tháng không hợp lệ").is_visible()
    page.go_back()

    # The week of the class: Monday to Sunday, sessions by half-day.
    page.get_by_label("Đến tháng").fill(f"{month:%m/%Y}")
    page.get_by_role("button", name="Xem").click()
    first_day.locator(".cal-date a").click()
    page.wait_for_url(re.compile(rf"/calendar/week/\?date={start.isoformat()}$"))
    monday = start - datetime.timedelta(days=start.weekday())
    sunday = monday + datetime.timedelta(days=6)
    heading = f"Lịch tuần {monday:%d/%m/%Y} – {sunday:%d/%m/%Y}"
    assert page.get_by_role("heading", name=heading).is_visible()
    week = page.get_by_test_id("week-grid")
    assert [week.locator("tbody th").nth(i).inner_text() for i in range(4)] == [
        "Lớp",
        "Sáng",
        "Chiều",
        "Tối",
    ]
    morning = week.locator('tr[data-half-day="morning"] td').nth(start.weekday())
    assert morning.get_by_text("Công tác dân vận trong tình hình mới").is_visible()
    assert morning.get_by_text("09:00–11:15").is_visible()
    assert morning.get_by_text("Báo cáo viên: TS. Nguyễn Văn Hùng").is_visible()
    assert morning.get_by_text("Phòng: Hội trường A").first.is_visible()
    evening = week.locator('tr[data-half-day="evening"] td').nth(start.weekday() + 1)
    assert evening.get_by_text("Giao lưu văn nghệ").is_visible()
    assert page.get_by_text("Lớp của Lộc Ninh").count() == 0
    shot(page, "calendar-week")

    page.get_by_role("link", name="Tuần sau").click()
    page.wait_for_url(re.compile(rf"date={monday + datetime.timedelta(days=7):%Y-%m-%d}$"))
    page.get_by_role("link", name="Tuần trước").click()
    page.get_by_role("link", name="Tháng", exact=True).click()
    page.wait_for_url(re.compile(rf"month={start:%Y-%m}$"))


def test_calendar_on_a_phone(page: Any, calendar_data: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    start: datetime.date = calendar_data["start"]
    login(page, "quanly.budang")
    page.goto(f"/calendar/?month={start:%Y-%m}")
    grid = page.get_by_test_id("month-grid")
    # A list of the days that have something: the header row and empty days are hidden.
    assert not grid.locator("thead").is_visible()
    visible = [d for d in grid.locator("td").all() if d.is_visible()]
    assert 3 <= len(visible) <= 4  # the class's three days (+ today, if in this month)
    assert grid.get_by_text(f"{start:%d/%m/%Y}").is_visible()
    shot(page, "calendar-month-phone")
    page.goto(f"/calendar/week/?date={start.isoformat()}")
    assert not page.get_by_test_id("week-grid").is_visible()
    days = page.get_by_test_id("week-list")
    assert days.get_by_text("Công tác dân vận trong tình hình mới").is_visible()
    shot(page, "calendar-week-phone")
