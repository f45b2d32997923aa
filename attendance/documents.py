"""Printable documents of attendance, compiled with typst: the sign-in sheet
of a session and the class's check-in badges.

As in courses/documents.py, everything that varies reaches the fixed typst
source as one JSON document in `sys.inputs`: user text is data, never markup.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import segno
import typst
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Badge
from courses.documents import header_lines
from courses.models import Course, Session
from nominations.models import Enrollment

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "attendance"


def _compile(template: str, data: dict[str, Any]) -> bytes:
    return typst.compile(
        str(TEMPLATES / template),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        ignore_system_fonts=True,
    )


def _unit(enrollment: Enrollment) -> str:
    person = enrollment.person
    if person.organization is not None:
        return person.organization.name
    return enrollment.unit.name if enrollment.unit is not None else ""


def _session_line(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return _("Buổi %(half)s ngày %(day)s (%(start)s – %(end)s): %(label)s") % {
        "half": str(session.get_half_day_display()).lower(),
        "day": session.date.strftime("%d/%m/%Y"),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "label": session.label,
    }


def sign_sheet_pdf(session: Session, enrollments: Sequence[Enrollment]) -> bytes:
    """Danh sách ký tên: STT, họ và tên, đơn vị, chữ ký — one row per trainee."""
    course = session.course
    superior, org = header_lines(course.owner.name)
    data = {
        "document_title": _("Danh sách học viên ký tên"),
        "header_superior": superior,
        "header_org": org,
        "heading": _("DANH SÁCH HỌC VIÊN KÝ TÊN"),
        "course": course.title,
        "session": _session_line(session),
        "columns": [_("STT"), _("Họ và tên"), _("Đơn vị"), _("Chữ ký")],
        "rows": [[str(i), e.person.full_name, _unit(e)] for i, e in enumerate(enrollments, 1)],
        "total": _("Tổng số: %(n)d học viên") % {"n": len(enrollments)},
    }
    return _compile("sign_sheet.typ", data)


def qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=4, border=2))


def badges_pdf(
    course: Course, badges: Sequence[tuple[Enrollment, Badge]], url_of: Callable[[Badge], str]
) -> bytes:
    """One card per trainee: name, unit, class and the check-in QR code."""
    data = {
        "document_title": _("Thẻ điểm danh"),
        "org": course.owner.name,
        "course": course.title,
        "caption": _("Thẻ điểm danh học viên"),
        "cards": [
            {"name": e.person.full_name, "unit": _unit(e), "qr": qr_svg(url_of(b))}
            for e, b in badges
        ],
    }
    return _compile("badges.typ", data)


def filename(prefix: str, pk: int) -> str:
    return f"{prefix}-{pk}.pdf"
