"""Printable documents of a class, compiled with typst.

The typst source (templates/courses/programme.typ) is fixed; everything that
varies reaches it as one JSON document in `sys.inputs`, so user text is data
and never typst markup: no escaping to forget, no injection.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Sequence
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import fold
from courses.models import Course, CourseStatus, HalfDay, Session, SessionKind
from courses.naming import affiliation
from courses.selectors import course_sessions
from orgs.models import OrganizationKind
from people.models import Lecturer

PROGRAMME_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "courses" / "programme.typ"

# Session kinds printed in bold as milestones of the programme.
_MILESTONES = {SessionKind.OPENING, SessionKind.CLOSING, SessionKind.ASSIGNMENT}


def _day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _weekday(day: datetime.date) -> str:
    names = (
        _("Thứ Hai"),
        _("Thứ Ba"),
        _("Thứ Tư"),
        _("Thứ Năm"),
        _("Thứ Sáu"),
        _("Thứ Bảy"),
        _("Chủ nhật"),
    )
    return names[day.weekday()]


def _hours(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"{start:%H:%M} – {end:%H:%M}"


def lecturer_affiliation(lecturer: Lecturer, on: datetime.date | None = None) -> str:
    """ "Chánh Văn phòng, Ban Dân vận Trung ương": position and organisation.

    The organisation is named as it was on `on` (a 2017 programme says "Ban Dân
    vận Trung ương", not its 2025 name), and left out when the position already
    names it.
    """
    person = lecturer.person
    organization = ""
    if person.organization is not None:
        org = person.organization
        organization = org.name_on(on) if on is not None else org.name
    return affiliation(person.position, organization)


# "Ban Dân vận Huyện ủy Bù Đăng": the committee's board, then the Party committee
# it serves, which the administrative header prints first ("HUYỆN ỦY BÙ ĐĂNG").
_BOARD_OF_COMMITTEE = re.compile(
    r"^(?P<board>Ban .+?) (?P<committee>(?:Tỉnh|Thành|Huyện|Quận|Thị|Đảng) (?:ủy|uỷ) .+)$",
    re.IGNORECASE,
)


def header_lines(org_name: str) -> tuple[str, str]:
    """The two lines of the issuing body block: (superior body, issuing body).

    "Ban Dân vận Huyện ủy Bù Đăng" -> ("HUYỆN ỦY BÙ ĐĂNG", "BAN DÂN VẬN"); a
    name of another shape is printed whole as the issuing body.
    """
    match = _BOARD_OF_COMMITTEE.match(org_name)
    if match is None:
        return "", org_name.upper()
    return match["committee"].upper(), match["board"].upper()


def _dates_line(course: Course) -> str:
    if course.start_date == course.end_date:
        return _("ngày %(day)s") % {"day": _day(course.start_date)}
    return _("từ ngày %(start)s đến ngày %(end)s (%(n)d ngày)") % {
        "start": _day(course.start_date),
        "end": _day(course.end_date),
        "n": course.days,
    }


def _place(course: Course) -> str:
    parts = [course.venue]
    if course.venue_unit is not None and course.venue_unit.name not in course.venue:
        parts.append(course.venue_unit.name)
    return ", ".join(p for p in parts if p)


def _session_rows(sessions: Sequence[Session]) -> list[dict[str, Any]]:
    """Sessions grouped by day, then by half-day, topics numbered as "Chuyên đề 1"."""
    numbers: dict[object, int] = {}

    def row(session: Session) -> dict[str, Any]:
        prefix = ""
        if session.kind == SessionKind.LECTURE:
            # A topic spread over several sessions keeps its number: "(tiếp)".
            key: object = session.topic_id or fold(session.label)
            continued = key in numbers
            number = numbers.setdefault(key, len(numbers) + 1)
            label = _("Chuyên đề %(n)d (tiếp):") if continued else _("Chuyên đề %(n)d:")
            prefix = label % {"n": number}
        return {
            "time": _hours(session),
            "prefix": prefix,
            "content": session.label,
            "emphasis": session.kind in _MILESTONES,
            "notes": [_("Địa điểm: %(room)s") % {"room": session.room}] if session.room else [],
            "lecturers": [
                {
                    "name": lecturer.display_name,
                    "detail": lecturer_affiliation(lecturer, session.date),
                }
                for lecturer in session.lecturers.all()
            ],
        }

    return [
        {
            "weekday": _weekday(day),
            "date": _day(day),
            "halves": [
                {"label": str(HalfDay(half).label), "sessions": [row(s) for s in in_half]}
                for half, in_half in groupby(in_day, key=attrgetter("half_day"))
            ],
        }
        for day, in_day in groupby(sessions, key=attrgetter("date"))
    ]


# Party bodies head their documents "ĐẢNG CỘNG SẢN VIỆT NAM" (Hướng dẫn 36-HD/VPTW);
# state bodies and the Front use the national name and motto (Nghị định 30/2020).
PARTY_KINDS = {
    OrganizationKind.COMMITTEE,
    OrganizationKind.PARTY_COMMITTEE,
    OrganizationKind.POLITICAL_SCHOOL,
}


def _national_header(course: Course) -> dict[str, str]:
    if course.owner.kind in PARTY_KINDS:
        return {"nation": _("ĐẢNG CỘNG SẢN VIỆT NAM"), "motto": ""}
    return {
        "nation": _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "motto": _("Độc lập - Tự do - Hạnh phúc"),
    }


def programme_data(course: Course, sessions: Sequence[Session]) -> dict[str, Any]:
    """Everything the programme template prints, as JSON-ready plain data."""
    org_name = course.owner.name_on(course.start_date)
    info = [{"label": _("Thời gian:"), "value": _dates_line(course)}]
    place = _place(course)
    if place:
        info.append({"label": _("Địa điểm:"), "value": place})
    partners = [org.name for org in course.co_organizers.all()]
    if partners:
        info.append({"label": _("Đơn vị phối hợp:"), "value": "; ".join(partners)})
    audience = [category.name for category in course.audience.all()]
    if audience:
        info.append({"label": _("Đối tượng:"), "value": "; ".join(audience)})
    heading = _("CHƯƠNG TRÌNH")
    superior, issuer = header_lines(org_name)
    return {
        "document_title": f"{heading} {course.title}",
        "author": org_name,
        "header_superior": superior,
        "header_org": issuer,
        **_national_header(course),
        "heading": heading,
        "title": course.title,
        "info": info,
        "columns": [_("Ngày"), _("Buổi"), _("Thời gian"), _("Nội dung"), _("Báo cáo viên")],
        "days": _session_rows(sessions),
        "empty": _("Chưa có buổi học nào."),
        "footnote": (
            _("Lớp đã huỷ. Lý do: %(reason)s") % {"reason": course.cancel_reason}
            if course.status == CourseStatus.CANCELLED
            else ""
        ),
    }


def render_programme(data: dict[str, Any]) -> bytes:
    """Compile the programme template with `data`; only typst's bundled fonts, so
    the PDF looks the same on every server."""
    return typst.compile(
        str(PROGRAMME_TEMPLATE),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        ignore_system_fonts=True,
    )


def programme_pdf(course: Course) -> bytes:
    """The class programme ("Chương trình lớp bồi dưỡng") as PDF bytes."""
    return render_programme(programme_data(course, list(course_sessions(course))))


def programme_filename(course: Course) -> str:
    """An ASCII file name: "chuong-trinh-12-lop-boi-duong-nghiep-vu.pdf"."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in fold(course.title))
    slug = "-".join(words.split())[:60].strip("-")
    return f"chuong-trinh-{course.pk}-{slug}.pdf" if slug else f"chuong-trinh-{course.pk}.pdf"
