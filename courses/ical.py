"""iCalendar (RFC 5545) feeds of class programmes and of lecturers' teaching.

Times are written in UTC (the "Z" form): every calendar application shows
them in its own zone, and no VTIMEZONE block is needed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from courses.documents import lecturer_affiliation
from courses.models import Course, CourseStatus, Session
from people.models import Lecturer

PRODID = "-//taphuan//Chương trình lớp bồi dưỡng//VI"
# Calendar apps poll a subscription; once an hour is plenty for a programme.
REFRESH = datetime.timedelta(hours=1)

# Course status -> the event STATUS calendar applications understand.
_EVENT_STATUS = {
    CourseStatus.DRAFT: "TENTATIVE",
    CourseStatus.CANCELLED: "CANCELLED",
}

AbsoluteUrl = Callable[[str], str]


def session_uid(session: Session) -> str:
    """Stable for the life of the session, so edits update the same event."""
    return f"session-{session.pk}@taphuan"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _now() -> datetime.datetime:
    return timezone.now().astimezone(datetime.UTC).replace(microsecond=0)


def _lecturer_line(lecturer: Lecturer) -> str:
    extra = lecturer_affiliation(lecturer)
    return f"{lecturer.display_name} ({extra})" if extra else lecturer.display_name


def _new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def session_event(
    session: Session, course: Course, absolute: AbsoluteUrl, stamp: datetime.datetime
) -> Event:
    """One VEVENT; `session.lecturers` should be prefetched with their persons.

    With METHOD:PUBLISH, DTSTAMP is when the feed was generated (RFC 5545 §3.8.7.2).
    """
    cancelled = course.status == CourseStatus.CANCELLED
    summary = f"{session.label} – {course.title}"
    if cancelled:
        summary = _("[Đã huỷ] %(summary)s") % {"summary": summary}
    lecturers = [_lecturer_line(lecturer) for lecturer in session.lecturers.all()]
    description = [course.title, str(session.get_kind_display())]
    if lecturers:
        description.append(_("Báo cáo viên: %(names)s") % {"names": "; ".join(lecturers)})
    if cancelled:
        description.append(_("Lớp đã huỷ."))
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("summary", summary)
    location = ", ".join(part for part in (course.venue, session.room) if part)
    if location:
        event.add("location", location)
    event.add("description", "\n".join(description))
    event.add("status", _EVENT_STATUS.get(CourseStatus(course.status), "CONFIRMED"))
    event.add("url", absolute(course.get_absolute_url()))
    return event


def _to_bytes(calendar: Calendar, events: Iterable[Event]) -> bytes:
    for event in events:
        calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content


def course_calendar(course: Course, sessions: Iterable[Session], absolute: AbsoluteUrl) -> bytes:
    """Every session of one class."""
    stamp = _now()
    return _to_bytes(
        _new_calendar(course.title),
        (session_event(session, course, absolute, stamp) for session in sessions),
    )


def lecturer_calendar(
    lecturer: Lecturer, sessions: Iterable[Session], absolute: AbsoluteUrl
) -> bytes:
    """Every session a lecturer teaches; `session.course` should be select_related."""
    name = _("Lịch giảng – %(name)s") % {"name": lecturer.display_name}
    stamp = _now()
    return _to_bytes(
        _new_calendar(name),
        (session_event(session, session.course, absolute, stamp) for session in sessions),
    )
