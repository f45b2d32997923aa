"""The month and week calendars: parsing the requested period and laying out grids.

Pure date logic: no queries. The views fetch the classes and sessions of a
period through the (scoped) selectors and hand them here to be placed on days
and half-days. Weeks run Monday to Sunday, as Vietnamese calendars do.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import HalfDay

MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)
ONE_DAY = datetime.timedelta(days=1)
ONE_WEEK = datetime.timedelta(days=7)

WEEKDAYS: tuple[Promise, ...] = (
    gettext_lazy("Thứ Hai"),
    gettext_lazy("Thứ Ba"),
    gettext_lazy("Thứ Tư"),
    gettext_lazy("Thứ Năm"),
    gettext_lazy("Thứ Sáu"),
    gettext_lazy("Thứ Bảy"),
    gettext_lazy("Chủ Nhật"),
)
WEEKDAYS_SHORT: tuple[Promise, ...] = (
    gettext_lazy("T2"),
    gettext_lazy("T3"),
    gettext_lazy("T4"),
    gettext_lazy("T5"),
    gettext_lazy("T6"),
    gettext_lazy("T7"),
    gettext_lazy("CN"),
)
HALF_DAYS: tuple[HalfDay, ...] = (HalfDay.MORNING, HalfDay.AFTERNOON, HalfDay.EVENING)

# Links carry ISO values (2026-03, 2026-03-02); people type Vietnamese ones (03/2026, 02/03/2026).
_MONTH_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})")
_MONTH_VN = re.compile(r"(?P<m>[0-9]{1,2})[/.-](?P<y>[0-9]{4})")
_DATE_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")
_DATE_VN = re.compile(r"(?P<d>[0-9]{1,2})[/.-](?P<m>[0-9]{1,2})[/.-](?P<y>[0-9]{4})")
# What is echoed back of a bad value: enough to recognise it, never a wall of text.
_ECHO = 20


class CourseLike(Protocol):
    """What the grids need of a class (`courses.models.Course` fits)."""

    @property
    def pk(self) -> Any: ...
    @property
    def start_date(self) -> datetime.date: ...
    @property
    def end_date(self) -> datetime.date: ...


class SessionLike(Protocol):
    """What the grids need of a session (`courses.models.Session` fits)."""

    @property
    def course_id(self) -> Any: ...
    @property
    def course(self) -> Any: ...
    @property
    def date(self) -> datetime.date: ...
    @property
    def half_day(self) -> str: ...
    @property
    def starts_at(self) -> datetime.datetime: ...


# --- the requested period -------------------------------------------------------------


def resolve_month(raw: str | None, *, today: datetime.date) -> tuple[datetime.date, str]:
    """The first day of the month asked for by `?month=` (2026-03 or 03/2026), and an error.

    No value: today's month. A bad value: today's month and a message saying so.
    """
    value = (raw or "").strip()
    if not value:
        return today.replace(day=1), ""
    match = _MONTH_ISO.fullmatch(value) or _MONTH_VN.fullmatch(value)
    if match:
        year, month = int(match["y"]), int(match["m"])
        if MIN_DATE.year <= year <= MAX_DATE.year and 1 <= month <= 12:
            return datetime.date(year, month, 1), ""
    return today.replace(day=1), _(
        "Tháng không hợp lệ: “%(value)s”. Hãy nhập tháng dạng mm/yyyy (ví dụ 03/2026), "
        "từ năm %(min)d đến năm %(max)d. Đang hiển thị tháng hiện tại."
    ) % {"value": value[:_ECHO], "min": MIN_DATE.year, "max": MAX_DATE.year}


def resolve_day(raw: str | None, *, today: datetime.date) -> tuple[datetime.date, str]:
    """The day asked for by `?date=` (2026-03-02 or 02/03/2026), and an error message.

    No value: today. A bad value (impossible date, year out of range): today
    and a message saying so.
    """
    value = (raw or "").strip()
    if not value:
        return today, ""
    match = _DATE_ISO.fullmatch(value) or _DATE_VN.fullmatch(value)
    if match:
        try:
            day = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            day = None
        if day is not None and MIN_DATE <= day <= MAX_DATE:
            return day, ""
    return today, _(
        "Ngày không hợp lệ: “%(value)s”. Hãy nhập một ngày có thật dạng dd/mm/yyyy "
        "(ví dụ 02/03/2026), từ năm %(min)d đến năm %(max)d. Đang hiển thị tuần hiện tại."
    ) % {"value": value[:_ECHO], "min": MIN_DATE.year, "max": MAX_DATE.year}


# --- date arithmetic ------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


def add_months(first: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) `first`'s month."""
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_last_day(first: datetime.date) -> datetime.date:
    return add_months(first, 1) - ONE_DAY


def month_span(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day shown on `first`'s month grid: whole weeks, Monday to Sunday."""
    start = week_start(first)
    last = month_last_day(first)
    return start, last + datetime.timedelta(days=6 - last.weekday())


def local_bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[midnight starting `start`, midnight ending `end`) in the current time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end + ONE_DAY, datetime.time.min, tzinfo=zone),
    )


def in_range(day: datetime.date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def iso_month(first: datetime.date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def half_day_of(session: SessionLike) -> str:
    """The session's half-day; a value outside the three is placed by its start hour."""
    if session.half_day in HalfDay.values:
        return session.half_day
    hour = timezone.localtime(session.starts_at).hour
    if hour < 12:
        return HalfDay.MORNING
    return HalfDay.AFTERNOON if hour < 18 else HalfDay.EVENING


# --- the month grid -------------------------------------------------------------------


@dataclass
class CourseDay:
    """One class on one day, with the sessions of that day the user may see."""

    course: Any
    sessions: list[Any] = field(default_factory=list)


@dataclass
class MonthDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    courses: list[CourseDay] = field(default_factory=list)

    @property
    def weekday_name(self) -> Promise:
        return WEEKDAYS[self.date.weekday()]

    @property
    def iso(self) -> str:
        return self.date.isoformat()


@dataclass
class MonthGrid:
    first: datetime.date
    weeks: list[list[MonthDay]]
    previous: str | None
    next: str | None
    # The day the "week" link opens: today in the current month, else the 1st.
    week_day: datetime.date

    @property
    def last(self) -> datetime.date:
        return month_last_day(self.first)

    @property
    def weekday_names(self) -> list[tuple[Promise, Promise]]:
        return list(zip(WEEKDAYS, WEEKDAYS_SHORT, strict=True))

    @property
    def has_events(self) -> bool:
        return any(day.courses for week in self.weeks for day in week if day.in_month)


def _course_days(
    days: list[datetime.date],
    courses: Iterable[CourseLike],
    sessions: Iterable[SessionLike],
) -> dict[datetime.date, list[CourseDay]]:
    """Each class on each of its days within `days`, each session under its class."""
    by_day: dict[datetime.date, dict[Any, CourseDay]] = {day: {} for day in days}
    first, last = days[0], days[-1]
    for course in courses:
        day = max(course.start_date, first)
        while day <= min(course.end_date, last):
            by_day[day][course.pk] = CourseDay(course)
            day += ONE_DAY
    for session in sessions:
        entries = by_day.get(session.date)
        if entries is None:
            continue
        entry = entries.get(session.course_id)
        if entry is None:
            # A session whose class was not in the list: still show it, under its class.
            entry = entries[session.course_id] = CourseDay(session.course)
        entry.sessions.append(session)
    return {day: list(entries.values()) for day, entries in by_day.items()}


def month_grid(
    first: datetime.date,
    *,
    today: datetime.date,
    courses: Iterable[CourseLike],
    sessions: Iterable[SessionLike],
) -> MonthGrid:
    """The month of `first` as weeks of days, each day with its classes and sessions.

    `courses` and `sessions` come ordered (by start); the order is kept in each day.
    """
    first = first.replace(day=1)
    start, end = month_span(first)
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    placed = _course_days(days, courses, sessions)
    cells = [
        MonthDay(day, in_month=day.month == first.month, is_today=day == today, courses=placed[day])
        for day in days
    ]
    previous, following = add_months(first, -1), add_months(first, 1)
    return MonthGrid(
        first=first,
        weeks=[cells[i : i + 7] for i in range(0, len(cells), 7)],
        previous=iso_month(previous) if in_range(previous) else None,
        next=iso_month(following) if in_range(following) else None,
        week_day=today if (today.year, today.month) == (first.year, first.month) else first,
    )


# --- the week grid --------------------------------------------------------------------


@dataclass
class HalfDaySlot:
    half_day: str
    label: str
    sessions: list[Any] = field(default_factory=list)


@dataclass
class WeekDay:
    date: datetime.date
    is_today: bool
    courses: list[Any]
    slots: list[HalfDaySlot]

    @property
    def weekday_name(self) -> Promise:
        return WEEKDAYS[self.date.weekday()]

    @property
    def sessions(self) -> list[Any]:
        return [s for slot in self.slots for s in slot.sessions]


@dataclass
class WeekRow:
    """One half-day across the seven days (a row of the week table)."""

    half_day: str
    label: str
    cells: list[HalfDaySlot]


@dataclass
class WeekGrid:
    day: datetime.date
    days: list[WeekDay]
    previous: str | None
    next: str | None

    @property
    def monday(self) -> datetime.date:
        return self.days[0].date

    @property
    def sunday(self) -> datetime.date:
        return self.days[-1].date

    @property
    def month(self) -> str:
        return iso_month(self.day)

    @property
    def today_index(self) -> int:
        """Column of today in the week, -1 when today lies in another week."""
        return next((i for i, d in enumerate(self.days) if d.is_today), -1)

    @property
    def rows(self) -> list[WeekRow]:
        return [
            WeekRow(half_day, str(HalfDay(half_day).label), [d.slots[i] for d in self.days])
            for i, half_day in enumerate(HALF_DAYS)
        ]

    @property
    def has_courses(self) -> bool:
        return any(d.courses for d in self.days)

    @property
    def has_sessions(self) -> bool:
        return any(d.sessions for d in self.days)


def week_grid(
    day: datetime.date,
    *,
    today: datetime.date,
    courses: Iterable[CourseLike],
    sessions: Iterable[SessionLike],
) -> WeekGrid:
    """The week (Monday–Sunday) of `day`: classes running each day, sessions by half-day."""
    monday = week_start(day)
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    courses = list(courses)
    slots: dict[datetime.date, dict[str, HalfDaySlot]] = {
        d: {h: HalfDaySlot(h, str(HalfDay(h).label)) for h in HALF_DAYS} for d in days
    }
    for session in sessions:
        if session.date in slots:
            slots[session.date][half_day_of(session)].sessions.append(session)
    week_days = [
        WeekDay(
            date=d,
            is_today=d == today,
            courses=[c for c in courses if c.start_date <= d <= c.end_date],
            slots=list(slots[d].values()),
        )
        for d in days
    ]
    previous, following = monday - ONE_WEEK, monday + ONE_WEEK
    return WeekGrid(
        day=day,
        days=week_days,
        previous=previous.isoformat() if in_range(previous) else None,
        next=following.isoformat() if in_range(following) else None,
    )
