"""iCalendar (RFC 5545) feeds of class programmes and of lecturers' teaching.

Times are written in UTC (the "Z" form): every calendar application shows
them in its own zone, and no VTIMEZONE block is needed.

The text is written here directly (escaping §3.3.11, folding §3.1) from the
plain rows of `courses.selectors.feed_sessions`: a feed is polled by every
subscribed phone and a general-purpose iCalendar library spent ten times the
database time building objects only to print them. The tests read the output
back with the `icalendar` library.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CourseStatus

PRODID = "-//taphuan//Chương trình lớp bồi dưỡng//VI"
# Calendar apps poll a subscription; once an hour is plenty for a programme.
REFRESH = "PT1H"

# Course status -> the event STATUS calendar applications understand.
_EVENT_STATUS = {
    CourseStatus.DRAFT.value: "TENTATIVE",
    CourseStatus.CANCELLED.value: "CANCELLED",
}
# Stands for DTSTAMP while the body is hashed for the ETag: the stamp changes
# every second, the programme does not.
_STAMP = "\x00stamp\x00"
_PK_MARK = 987654321987654321

AbsoluteUrl = Callable[[str], str]


@dataclass
class FeedSession:
    """What one VEVENT shows of a session and its class (see `selectors.feed_sessions`)."""

    pk: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    label: str
    kind_label: str
    room: str
    course_pk: int
    course_title: str
    course_venue: str
    course_status: str
    # "TS. Nguyễn Văn Hùng (Chánh Văn phòng)", in the programme's order.
    lecturers: list[str]


@dataclass(frozen=True)
class Feed:
    """The feed's bytes and an ETag that changes only when an event changes."""

    content: bytes
    etag: str


def session_uid(session_pk: int) -> str:
    """Stable for the life of the session, so edits update the same event."""
    return f"session-{session_pk}@taphuan"


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """One content line, folded at 75 octets without splitting a UTF-8 character."""
    raw = line.encode()
    if len(raw) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    start, limit = 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and raw[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(raw[start:end].decode())
        start, limit = end, 74  # continuation lines begin with a space
    return "\r\n ".join(parts) + "\r\n"


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _now() -> str:
    return _utc(timezone.now())


def _event(session: FeedSession, url: str) -> str:
    """One VEVENT; DTSTAMP is left as the placeholder (see `_finish`)."""
    cancelled = session.course_status == CourseStatus.CANCELLED
    summary = f"{session.label} – {session.course_title}"
    if cancelled:
        summary = _("[Đã huỷ] %(summary)s") % {"summary": summary}
    description = [session.course_title, session.kind_label]
    if session.lecturers:
        description.append(_("Báo cáo viên: %(names)s") % {"names": "; ".join(session.lecturers)})
    if cancelled:
        description.append(_("Lớp đã huỷ."))
    location = ", ".join(part for part in (session.course_venue, session.room) if part)
    lines = [
        "BEGIN:VEVENT\r\n",
        _fold(f"SUMMARY:{_text(summary)}"),
        f"DTSTART:{_utc(session.starts_at)}\r\n",
        f"DTEND:{_utc(session.ends_at)}\r\n",
        f"DTSTAMP:{_STAMP}\r\n",
        f"UID:{session_uid(session.pk)}\r\n",
        _fold(f"DESCRIPTION:{_text(chr(10).join(description))}"),
        _fold(f"LOCATION:{_text(location)}") if location else "",
        f"STATUS:{_EVENT_STATUS.get(session.course_status, 'CONFIRMED')}\r\n",
        _fold(f"URL:{url}"),
        "END:VEVENT\r\n",
    ]
    return "".join(lines)


def _calendar(name: str, sessions: Iterable[FeedSession], absolute: AbsoluteUrl) -> Feed:
    """With METHOD:PUBLISH, DTSTAMP is when the feed was generated (RFC 5545 §3.8.7.2)."""
    head = [
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        _fold(f"PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN\r\n",
        "METHOD:PUBLISH\r\n",
        _fold(f"NAME:{_text(name)}"),
        _fold(f"X-WR-CALNAME:{_text(name)}"),
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}\r\n",
        f"X-PUBLISHED-TTL:{REFRESH}\r\n",
    ]
    # One reverse() for the feed: the class URLs differ only by the number.
    pattern = absolute(reverse("courses:course_detail", args=[_PK_MARK]))
    events = [_event(s, pattern.replace(str(_PK_MARK), str(s.course_pk))) for s in sessions]
    body = "".join([*head, *events, "END:VCALENDAR\r\n"])
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    return Feed(body.replace(_STAMP, _now()).encode(), f'"{etag}"')


def course_calendar(title: str, sessions: Iterable[FeedSession], absolute: AbsoluteUrl) -> Feed:
    """Every session of one class."""
    return _calendar(title, sessions, absolute)


def lecturer_calendar(
    display_name: str, sessions: Iterable[FeedSession], absolute: AbsoluteUrl
) -> Feed:
    """Every session a lecturer teaches, in every class."""
    name = _("Lịch giảng – %(name)s") % {"name": display_name}
    return _calendar(name, sessions, absolute)
