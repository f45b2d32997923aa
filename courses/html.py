"""Hot rows of the class pages written in Python.

The class list, the plan page and the month calendar print one small block per
class or session, hundreds per page; through the template engine each block
cost a few hundred variable look-ups, translations and filter calls. Here the
same markup is built with `escape` and plain string formatting; the templates
keep the page structure. Every value that comes from the database is escaped.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import escape as _escape
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from courses.models import CourseKind, CourseStatus, HalfDay, SessionKind


def escape(value: Any) -> str:
    """HTML-escaped text, as django.utils.html.escape (& < > " ') without its lazy wrapper:
    called thousands of times per page."""
    return _escape(str(value), quote=True)


# A number no class has: reverse() once per page, then the number is swapped in.
_PK_MARK = 987654321987654321


def url_pattern(view_name: str) -> str:
    """`view_name`'s URL for a primary key, as a str.format pattern with `{0}`."""
    return reverse(view_name, args=[_PK_MARK]).replace(str(_PK_MARK), "{0}")


def day(value: datetime.date) -> str:
    """dd/mm/yyyy, as the templates' `date:"d/m/Y"` prints it."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def dates(start: datetime.date, end: datetime.date) -> str:
    return day(start) if end == start else f"{day(start)} – {day(end)}"


def status_badge(status: str, label: str) -> str:
    """The markup of `courses/_status_badge.html`."""
    return f'<span class="badge status-{escape(status)}">{escape(label)}</span>'


def labels() -> tuple[dict[str, str], dict[str, str]]:
    """Kind and status labels in the active language, translated once per page."""
    kinds = {value: str(label) for value, label in CourseKind.choices}
    statuses = {value: str(label) for value, label in CourseStatus.choices}
    return kinds, statuses


def course_rows(courses: Iterable[Any]) -> SafeString:
    """The <tr>s of `courses/_course_table.html`: title and kind, dates, venue, owner,
    trainees (actual, else the planned number greyed), status.

    `courses` should come with `owner` and `venue_unit` selected.
    """
    kinds, statuses = labels()
    detail = url_pattern("courses:course_detail")
    rows: list[str] = []
    for course in courses:
        kind = escape(kinds.get(course.kind, course.kind))
        venue_unit = course.venue_unit if course.venue_unit_id is not None else None
        unit = f'<div class="small text-muted">{escape(venue_unit)}</div>' if venue_unit else ""
        if course.trainee_count is not None:
            trainees = str(course.trainee_count)
        else:
            trainees = f'<span class="text-muted">{course.capacity}</span>'
        rows.append(
            f'<tr><td><a href="{detail.format(course.pk)}">{escape(course.title)}</a>'
            f'<div class="small text-muted">{kind}</div></td>\n'
            f'<td class="text-nowrap">{dates(course.start_date, course.end_date)}</td>\n'
            f"<td>{escape(course.venue or '')}{unit}</td>\n"
            f"<td>{escape(course.owner)}</td>\n"
            f'<td class="text-end">{trainees}</td>\n'
            f"<td>{status_badge(course.status, statuses.get(course.status, course.status))}"
            "</td></tr>\n"
        )
    if not rows:
        rows.append(
            f'<tr><td colspan="6" class="text-muted">{escape(_("Không có lớp nào."))}</td></tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


def options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """<option>s of a drop-down, `selected` (compared as text) marked."""
    chosen = None if selected is None else str(selected)
    return mark_safe(  # noqa: S308 - values and labels escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )


# --- the month calendar ---------------------------------------------------------------


def _month_day(cell: Any, week_url: str, detail: str, statuses: dict[str, str]) -> str:
    """One <td> of `calendar/month.html`: the date link, then each class and its sessions."""
    classes = ("cal-out" if not cell.in_month else "") + (" cal-today" if cell.is_today else "")
    if not cell.courses:
        classes += " cal-empty"
    date = cell.date
    shown = day(date)
    iso = date.isoformat()
    title = _("Xem tuần có ngày %(day)s") % {"day": shown}
    today = f" · {escape(_('hôm nay'))}" if cell.is_today else ""
    parts = [
        f'<td class="{classes}" data-date="{iso}"'
        f"{' aria-current=' + chr(34) + 'date' + chr(34) if cell.is_today else ''}>\n"
        f'      <div class="cal-date"><a href="{week_url}?date={iso}" title="{escape(title)}">'
        f'<span class="d-none d-md-inline">{date.day}</span><span class="d-md-none">'
        f"{escape(cell.weekday_name)}, {shown}{today}</span></a></div>\n"
    ]
    for entry in cell.courses:
        course = entry.course
        name = escape(course.title)
        badge = status_badge(course.status, statuses.get(course.status, course.status))
        parts.append(
            f'      <div class="cal-item" data-testid="calendar-course">\n'
            f'        <a class="cal-title" href="{detail.format(course.pk)}" title="{name}">'
            f"{name}</a>\n        {badge}\n"
        )
        if entry.sessions:
            items = "".join(
                f'<li data-testid="calendar-session"><time datetime="{s.local.isoformat()}">'
                f"{s.local:%H:%M}</time> {escape(s.label)}</li>"
                for s in entry.sessions
            )
            parts.append(f'        <ul class="cal-sessions">{items}</ul>\n')
        parts.append("      </div>")
    parts.append("\n    </td>")
    return "".join(parts)


def month_body(grid: Any) -> SafeString:
    """The <tr>s of the month grid (`calendar.month_grid` of `selectors.month_*` rows)."""
    _kinds, statuses = labels()
    week_url = reverse("calendar:week")
    detail = url_pattern("courses:course_detail")
    weeks = (
        "<tr>" + "".join(_month_day(d, week_url, detail, statuses) for d in week) + "</tr>"
        for week in grid.weeks
    )
    return mark_safe("".join(weeks))  # noqa: S308 - every value is escaped in _month_day


# --- the class page's programme -------------------------------------------------------


def _hm(value: datetime.time | None) -> str:
    return "" if value is None else f"{value.hour:02d}:{value.minute:02d}"


_POSITION = '<div class="small text-muted">{0}</div>'


def programme_rows(sessions: Iterable[Any], *, can_change: bool, csrf_token: str) -> SafeString:
    """The <tr>s of the class page's programme (`selectors.course_programme` rows)."""
    half_days = {value: str(label) for value, label in HalfDay.choices}
    kinds = {value: str(label) for value, label in SessionKind.choices}
    lecturer_url = url_pattern("courses:lecturer_detail")
    edit_url, delete_url = (
        url_pattern("courses:session_edit"),
        url_pattern("courses:session_delete"),
    )
    edit, delete = escape(_("Sửa")), escape(_("Xoá"))
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    rows: list[str] = []
    previous_date = None
    for s in sessions:
        shown_date = day(s.date) if s.date != previous_date else ""
        previous_date = s.date
        hours = ""
        if s.start_time:
            hours = f' <span class="text-muted small">{_hm(s.start_time)}–{_hm(s.end_time)}</span>'
        badge = ""
        if s.kind != SessionKind.LECTURE and (s.topic_id or s.title):
            kind = escape(kinds.get(s.kind, s.kind))
            badge = f' <span class="badge text-bg-light border">{kind}</span>'
        lecturers = "".join(
            f'<a href="{lecturer_url.format(lec.pk)}">{escape(lec.name)}</a>'
            + (
                f'<div class="small text-muted">{escape(lec.position)}</div>'
                if lec.position
                else ""
            )
            for lec in s.lecturers
        )
        actions = ""
        if can_change:
            actions = (
                f'\n<td class="text-nowrap"><a class="btn btn-sm btn-link" '
                f'href="{edit_url.format(s.pk)}">{edit}</a><form class="d-inline" method="post" '
                f'action="{delete_url.format(s.pk)}">{csrf}<button class="btn btn-sm btn-link '
                f'text-danger" type="submit">{delete}</button></form></td>'
            )
        rows.append(
            f'\n<tr><td class="text-nowrap">{shown_date}</td>\n'
            f'<td class="text-nowrap">{escape(half_days.get(s.half_day, s.half_day))}{hours}</td>\n'
            f"<td>{escape(s.label)}{badge}</td>\n"
            f"<td>{lecturers}</td>\n"
            f"<td>{escape(s.room)}</td>{actions}</tr>"
        )
    if not rows:
        empty = escape(_("Chưa có buổi học nào."))
        rows.append(f'\n<tr><td colspan="6" class="text-muted">{empty}</td></tr>')
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped
