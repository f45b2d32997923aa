"""The trainee list (danh sách học viên) of a class as a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course
from courses.xlsx import safe_cell, write_table
from nominations.models import Enrollment


def trainee_table(course: Course, enrollments: Iterable[Enrollment]) -> bytes:
    """One row per trainee, in Vietnamese name order; every text cell through
    `safe_cell` (a name or position starting with "=" stays text)."""
    headers = [
        _("STT"),
        _("Họ và tên"),
        _("Ngày/năm sinh"),
        _("Giới tính"),
        _("Chức vụ"),
        _("Cơ quan công tác"),
        _("Đơn vị cử"),
        _("Điện thoại"),
        _("Ngày ghi danh"),
    ]
    rows = (
        (
            index,
            safe_cell(e.person.full_name),
            safe_cell(e.person.birth_display),
            safe_cell(str(e.person.get_sex_display()) if e.person.sex else ""),
            safe_cell(e.person.position),
            safe_cell(e.person.organization.name if e.person.organization else ""),
            safe_cell(e.unit.name if e.unit else _("Ban tổ chức ghi danh")),
            safe_cell(e.person.phone),
            timezone.localtime(e.enrolled_at).replace(tzinfo=None),
        )
        for index, e in enumerate(enrollments, start=1)
    )
    return write_table(
        headers,
        rows,
        sheet_title=_("Học viên"),
        widths=(6, 30, 14, 10, 30, 34, 34, 14, 16),
    )
