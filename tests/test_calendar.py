"""The calendar: grid logic (no database), then the month and week pages."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from courses import calendar, services
from courses.calendar import (
    add_months,
    month_grid,
    month_span,
    resolve_day,
    resolve_month,
    week_grid,
    week_start,
)
from courses.models import Course, Session
from tests.conftest import client_for
from tests.course_helpers import make_course, make_lecturer, make_topic
from tests.factories import UserFactory

D = datetime.date
TODAY = D(2026, 3, 18)  # a Wednesday


# --- parsing the requested period -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, D(2026, 3, 1)),
        ("", D(2026, 3, 1)),
        ("2026-03", D(2026, 3, 1)),
        (" 2026-3 ", D(2026, 3, 1)),
        ("03/2026", D(2026, 3, 1)),
        ("1/2027", D(2027, 1, 1)),
        ("1900-01", D(1900, 1, 1)),
        ("2100-12", D(2100, 12, 1)),
    ],
)
def test_resolve_month_accepts_iso_and_vietnamese(raw: str | None, expected: D) -> None:
    assert resolve_month(raw, today=TODAY) == (expected, "")


@pytest.mark.parametrize(
    "raw",
    ["2026-13", "2026-00", "abc", "1899-12", "2101-01", "2026-03-01", "２０２６-03", "13/2026"],
)
def test_resolve_month_refuses_bad_values_and_falls_back(raw: str) -> None:
    first, error = resolve_month(raw, today=TODAY)
    assert first == D(2026, 3, 1)
    assert error.startswith("Tháng không hợp lệ")
    assert "1900" in error and "2100" in error


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, TODAY),
        ("2026-03-02", D(2026, 3, 2)),
        ("02/03/2026", D(2026, 3, 2)),
        ("2/3/2026", D(2026, 3, 2)),
        ("2024-02-29", D(2024, 2, 29)),
        ("1900-01-01", D(1900, 1, 1)),
        ("31/12/2100", D(2100, 12, 31)),
    ],
)
def test_resolve_day_accepts_iso_and_vietnamese(raw: str | None, expected: D) -> None:
    assert resolve_day(raw, today=TODAY) == (expected, "")


@pytest.mark.parametrize(
    "raw",
    ["2026-02-30", "2026-02-29", "2100-02-29", "1899-12-31", "2101-01-01", "abc", "2026-03"],
)
def test_resolve_day_refuses_bad_values_and_falls_back(raw: str) -> None:
    day, error = resolve_day(raw, today=TODAY)
    assert day == TODAY
    assert error.startswith("Ngày không hợp lệ")


def test_a_long_bad_value_is_not_echoed_whole() -> None:
    _first, error = resolve_month("x" * 500, today=TODAY)
    assert "x" * 20 in error and "x" * 21 not in error


# --- the month grid -------------------------------------------------------------------


def test_month_starting_on_sunday_begins_on_the_previous_monday() -> None:
    grid = month_grid(D(2026, 3, 1), today=TODAY, courses=[], sessions=[])
    assert len(grid.weeks) == 6 and all(len(week) == 7 for week in grid.weeks)
    first_week = grid.weeks[0]
    assert first_week[0].date == D(2026, 2, 23) and not first_week[0].in_month
    assert first_week[6].date == D(2026, 3, 1) and first_week[6].in_month
    assert grid.weeks[-1][-1].date == D(2026, 4, 5)
    assert [d.date.weekday() for d in first_week] == list(range(7))  # Monday first
    assert str(first_week[0].weekday_name) == "Thứ Hai"
    assert str(first_week[6].weekday_name) == "Chủ Nhật"
    assert [day.date for week in grid.weeks for day in week if day.is_today] == [TODAY]
    assert grid.week_day == TODAY  # the "week" link opens today's week in today's month


@pytest.mark.parametrize(
    ("first", "last_day", "weeks"),
    [
        (D(2024, 2, 1), 29, 5),  # leap year
        (D(2000, 2, 1), 29, 5),  # divisible by 400: leap
        (D(2100, 2, 1), 28, 4),  # divisible by 100: not leap (starts on a Monday)
        (D(2021, 2, 1), 28, 4),  # starts on Monday, 28 days: exactly four weeks
        (D(2026, 2, 1), 28, 5),  # starts on Sunday
    ],
)
def test_february(first: D, last_day: int, weeks: int) -> None:
    grid = month_grid(first, today=TODAY, courses=[], sessions=[])
    assert grid.last == first.replace(day=last_day)
    assert len(grid.weeks) == weeks
    in_month = [day.date for week in grid.weeks for day in week if day.in_month]
    assert in_month[0] == first and in_month[-1] == grid.last and len(in_month) == last_day


def test_year_boundaries() -> None:
    assert add_months(D(2025, 12, 1), 1) == D(2026, 1, 1)
    assert add_months(D(2026, 1, 1), -1) == D(2025, 12, 1)
    assert add_months(D(2026, 1, 1), -13) == D(2024, 12, 1)
    assert month_span(D(2026, 1, 1)) == (D(2025, 12, 29), D(2026, 2, 1))
    january = month_grid(D(2026, 1, 1), today=TODAY, courses=[], sessions=[])
    assert (january.previous, january.next) == ("2025-12", "2026-02")
    assert january.week_day == D(2026, 1, 1)  # not today's month: its first day
    december = month_grid(D(2025, 12, 1), today=TODAY, courses=[], sessions=[])
    assert (december.previous, december.next) == ("2025-11", "2026-01")
    week = week_grid(D(2025, 12, 31), today=TODAY, courses=[], sessions=[])
    assert (week.monday, week.sunday) == (D(2025, 12, 29), D(2026, 1, 4))
    assert (week.previous, week.next) == ("2025-12-22", "2026-01-05")
    assert week.month == "2025-12"


def test_no_links_beyond_the_supported_years() -> None:
    assert month_grid(D(1900, 1, 1), today=TODAY, courses=[], sessions=[]).previous is None
    assert month_grid(D(2100, 12, 1), today=TODAY, courses=[], sessions=[]).next is None
    assert week_grid(D(1900, 1, 3), today=TODAY, courses=[], sessions=[]).previous is None
    assert week_grid(D(2100, 12, 31), today=TODAY, courses=[], sessions=[]).next is None


def _course(pk: int, start: D, end: D) -> Any:
    return SimpleNamespace(pk=pk, start_date=start, end_date=end, title=f"Lớp {pk}")


def _session(course: Any, day: D, half_day: str = "morning", hour: int = 7) -> Any:
    zone = timezone.get_default_timezone()
    starts = datetime.datetime(day.year, day.month, day.day, hour, 30, tzinfo=zone)
    return SimpleNamespace(
        course=course, course_id=course.pk, date=day, half_day=half_day, starts_at=starts
    )


def test_month_places_classes_on_each_of_their_days_and_sessions_under_them() -> None:
    across = _course(1, D(2026, 1, 30), D(2026, 2, 2))  # runs past the grid's end
    single = _course(2, D(2026, 1, 14), D(2026, 1, 14))
    hidden = _course(3, D(2026, 1, 20), D(2026, 1, 20))  # not listed, one session visible
    s1 = _session(across, D(2026, 1, 30))
    s2 = _session(across, D(2026, 1, 30), "afternoon", 13)
    s3 = _session(hidden, D(2026, 1, 20))
    grid = month_grid(D(2026, 1, 1), today=TODAY, courses=[single, across], sessions=[s1, s2, s3])
    days = {day.date: day for week in grid.weeks for day in week}
    assert [d for d, day in days.items() if any(e.course is across for e in day.courses)] == [
        D(2026, 1, 30),
        D(2026, 1, 31),
        D(2026, 2, 1),  # the grid ends on Sunday 1 February
    ]
    assert [e.sessions for e in days[D(2026, 1, 30)].courses] == [[s1, s2]]
    assert [e.sessions for e in days[D(2026, 1, 31)].courses] == [[]]
    assert [e.course.pk for e in days[D(2026, 1, 14)].courses] == [2]
    assert [(e.course, e.sessions) for e in days[D(2026, 1, 20)].courses] == [(hidden, [s3])]
    assert grid.has_events
    assert not month_grid(D(2026, 5, 1), today=TODAY, courses=[], sessions=[]).has_events


def test_week_places_sessions_by_half_day() -> None:
    course = _course(1, D(2026, 3, 2), D(2026, 3, 4))
    morning = _session(course, D(2026, 3, 2), "morning")
    afternoon = _session(course, D(2026, 3, 3), "afternoon", 13)
    evening = _session(course, D(2026, 3, 4), "evening", 19)
    odd = _session(course, D(2026, 3, 4), "", 14)  # no half-day: placed by its hour
    grid = week_grid(
        D(2026, 3, 4),
        today=D(2026, 3, 3),
        courses=[course],
        sessions=[morning, afternoon, evening, odd],
    )
    assert [d.date for d in grid.days] == [D(2026, 3, 2) + datetime.timedelta(i) for i in range(7)]
    rows = {row.half_day: [cell.sessions for cell in row.cells] for row in grid.rows}
    assert [str(row.label) for row in grid.rows] == ["Sáng", "Chiều", "Tối"]
    assert rows["morning"][0] == [morning]
    assert rows["afternoon"][1] == [afternoon] and rows["afternoon"][2] == [odd]
    assert rows["evening"][2] == [evening]
    assert [len(d.courses) for d in grid.days] == [1, 1, 1, 0, 0, 0, 0]
    assert grid.today_index == 1
    assert week_grid(D(2026, 3, 16), today=D(2026, 3, 3), courses=[], sessions=[]).today_index == -1
    assert week_start(D(2026, 3, 8)) == D(2026, 3, 2)  # a Sunday belongs to the week before


# --- the pages ------------------------------------------------------------------------

pytest_db = pytest.mark.django_db
MONTH = reverse("calendar:month")
WEEK = reverse("calendar:week")


def _programme(owner_org: Any, title: str = "Lớp bồi dưỡng công tác dân vận 2026") -> Course:
    """A class of 2–4 March 2026 with a morning and an afternoon session on 2 March."""
    course = make_course(owner_org, title=title, start=D(2026, 3, 2), days=3)
    services.session_create(
        actor=None,
        course=course,
        date=D(2026, 3, 2),
        half_day="morning",
        kind="lecture",
        topic=make_topic(owner_org, "Công tác dân vận trong tình hình mới"),
        room="Hội trường A",
        lecturers=[make_lecturer(owner_org)],
    )
    services.session_create(
        actor=None,
        course=course,
        date=D(2026, 3, 2),
        half_day="afternoon",
        kind="discussion",
        start_time=datetime.time(14, 0),
        end_time=datetime.time(16, 30),
    )
    return course


@pytest_db
def test_month_page_lists_classes_sessions_and_links(member: Any, owner_org: Any) -> None:
    course = _programme(owner_org)
    response = client_for(member).get(MONTH, {"month": "2026-03"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lịch tháng 3/2026" in body
    assert body.index("Thứ Hai") < body.index("Thứ Ba") < body.index("Chủ Nhật")
    assert f'href="{course.get_absolute_url()}"' in body
    assert "Dự thảo" in body  # the status badge
    assert "07:30</time> Công tác dân vận trong tình hình mới" in body
    assert "14:00</time> Thảo luận, xử lý tình huống" in body
    assert '?month=2026-02"' in body and '?month=2026-04"' in body
    assert f'{WEEK}?date=2026-03-01"' in body  # the "Tuần" link
    days = {day.date: day for week in response.context["grid"].weeks for day in week}
    assert [len(days[D(2026, 3, d)].courses) for d in range(1, 6)] == [0, 1, 1, 1, 0]
    assert len(days[D(2026, 3, 2)].courses[0].sessions) == 2
    assert days[D(2026, 3, 3)].courses[0].sessions == []


@pytest_db
def test_month_defaults_to_today_and_highlights_it(member: Any, owner_org: Any) -> None:
    today = timezone.localdate()
    make_course(owner_org, title="Lớp đang diễn ra", start=today, days=1)
    response = client_for(member).get(MONTH)
    assert response.status_code == 200
    assert response.context["grid"].first == today.replace(day=1)
    body = response.content.decode()
    assert f'data-date="{today.isoformat()}" aria-current="date"' in body
    assert body.count('aria-current="date"') == 1
    assert "Lớp đang diễn ra" in body
    assert f'{WEEK}?date={today.isoformat()}"' in body


@pytest_db
def test_week_page_places_sessions_with_room_and_lecturers(member: Any, owner_org: Any) -> None:
    course = _programme(owner_org)
    response = client_for(member).get(WEEK, {"date": "04/03/2026"})
    assert response.status_code == 200
    grid = response.context["grid"]
    assert (grid.monday, grid.sunday) == (D(2026, 3, 2), D(2026, 3, 8))
    morning, afternoon, evening = grid.rows
    assert [s.label for s in morning.cells[0].sessions] == ["Công tác dân vận trong tình hình mới"]
    assert [s.label for s in afternoon.cells[0].sessions] == ["Thảo luận, xử lý tình huống"]
    assert all(not cell.sessions for cell in evening.cells)
    assert [len(d.courses) for d in grid.days] == [1, 1, 1, 0, 0, 0, 0]
    body = response.content.decode()
    assert "Lịch tuần 02/03/2026 – 08/03/2026" in body
    for text in ("Sáng", "Chiều", "Tối", "Hội trường A", "TS. Nguyễn Văn Hùng", course.title):
        assert text in body
    assert "07:30–11:30" in body and "14:00–16:30" in body
    assert '?date=2026-02-23"' in body and '?date=2026-03-09"' in body
    assert f'{MONTH}?month=2026-03"' in body  # the "Tháng" link


@pytest_db
def test_outsider_never_sees_the_owners_classes(
    member: Any, outsider: Any, owner_org: Any, outsider_org: Any
) -> None:
    mine = _programme(owner_org)
    theirs = make_course(outsider_org, title="Lớp của Lộc Ninh", start=D(2026, 3, 3), days=1)
    client = client_for(outsider)
    for url, params in ((MONTH, {"month": "2026-03"}), (WEEK, {"date": "2026-03-02"})):
        body = client.get(url, params).content.decode()
        assert mine.title not in body and "Hội trường A" not in body
        assert theirs.title in body
    body = client_for(member).get(MONTH, {"month": "2026-03"}).content.decode()
    assert mine.title in body and theirs.title not in body


@pytest_db
def test_lecturer_sees_only_the_sessions_they_teach(owner_org: Any) -> None:
    course = _programme(owner_org)
    other = make_course(owner_org, title="Lớp không có tôi giảng", start=D(2026, 3, 2), days=1)
    lecturer = services.lecturer_create(actor=None, owner=owner_org, full_name="Trần Thị Mai")
    user: Any = UserFactory(username="bcv.mai", organization=owner_org, roles=[Role.LECTURER])
    lecturer.user = user
    lecturer.save()
    services.session_create(
        actor=None,
        course=course,
        date=D(2026, 3, 3),
        half_day="morning",
        kind="lecture",
        title="Kỹ năng giao tiếp với nhân dân",
        lecturers=[lecturer],
    )
    client = client_for(user)
    body = client.get(MONTH, {"month": "2026-03"}).content.decode()
    assert course.title in body and other.title not in body
    assert "Kỹ năng giao tiếp với nhân dân" in body
    assert "Công tác dân vận trong tình hình mới" not in body  # someone else's session
    grid = client.get(WEEK, {"date": "2026-03-02"}).context["grid"]
    assert [s.label for d in grid.days for s in d.sessions] == ["Kỹ năng giao tiếp với nhân dân"]


@pytest_db
def test_roles_without_classes_are_refused(owner_org: Any, client: Any) -> None:
    trainee = UserFactory(username="hv", organization=owner_org, roles=[Role.TRAINEE])
    assert client_for(trainee).get(MONTH).status_code == 403
    assert client_for(trainee).get(WEEK).status_code == 403
    assert client.get(MONTH).status_code == 302  # anonymous: to the login page


@pytest_db
def test_calendar_is_read_only(member: Any) -> None:
    assert client_for(member).post(MONTH).status_code == 405
    assert client_for(member).post(WEEK).status_code == 405


@pytest_db
@pytest.mark.parametrize("value", ["2026-13", "abc", "1899-12", "2101-01", "2026-00"])
def test_bad_month_answers_400_with_the_current_month(member: Any, value: str) -> None:
    response = client_for(member).get(MONTH, {"month": value})
    assert response.status_code == 400
    assert response.context["grid"].first == timezone.localdate().replace(day=1)
    body = response.content.decode()
    assert 'role="alert"' in body and "Tháng không hợp lệ" in body
    assert 'data-testid="month-grid"' in body


@pytest_db
@pytest.mark.parametrize("value", ["2026-02-30", "abc", "1899-12-31", "2101-01-01", "31/13/2026"])
def test_bad_date_answers_400_with_the_current_week(member: Any, value: str) -> None:
    response = client_for(member).get(WEEK, {"date": value})
    assert response.status_code == 400
    assert response.context["grid"].day == timezone.localdate()
    body = response.content.decode()
    assert 'role="alert"' in body and "Ngày không hợp lệ" in body
    assert 'data-testid="week-grid"' in body


@pytest_db
def test_bad_input_is_escaped(member: Any) -> None:
    body = client_for(member).get(MONTH, {"month": "<b>x"}).content.decode()
    assert "<b>x" not in body and "&lt;b&gt;x" in body


def _many_classes(owner_org: Any, first: int, last: int) -> None:
    """Classes `first`..`last` in March 2026, two sessions each, each its own lecturer."""
    for i in range(first, last + 1):
        day = D(2026, 3, 2) + datetime.timedelta(days=i % 5)
        course = make_course(owner_org, title=f"Lớp số {i}", start=day, days=2)
        lecturer = make_lecturer(owner_org, name=f"Nguyễn Văn Giảng {i}")
        for half_day in ("morning", "afternoon"):
            services.session_create(
                actor=None,
                course=course,
                date=day,
                half_day=half_day,
                kind="lecture",
                title=f"Buổi {half_day} {i}",
                lecturers=[lecturer],
            )


def _queries(client: Any, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context.captured_queries)


@pytest_db
def test_query_count_does_not_grow_with_classes(
    member: Any, owner_org: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(member)
    month, week = {"month": "2026-03"}, {"date": "2026-03-02"}
    _many_classes(owner_org, 0, 0)
    one = (_queries(client, MONTH, month), _queries(client, WEEK, week))
    _many_classes(owner_org, 1, 39)
    assert Course.objects.count() == 40 and Session.objects.count() == 80
    with django_assert_max_num_queries(one[0]):
        response = client.get(MONTH, month)
    assert sum(len(d.courses) for w in response.context["grid"].weeks for d in w) == 80
    with django_assert_max_num_queries(one[1]):
        response = client.get(WEEK, week)
    assert sum(len(d.sessions) for d in response.context["grid"].days) == 80
    assert "Nguyễn Văn Giảng 39" in response.content.decode()
    # Session, user, roles, territory, the two reads (+ lecturers for the week): small.
    assert one[0] <= 8 and one[1] <= 9


def test_calendar_module_exposes_the_supported_years() -> None:
    assert (calendar.MIN_DATE.year, calendar.MAX_DATE.year) == (1900, 2100)
