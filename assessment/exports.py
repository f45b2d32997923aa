"""The results of a class as a spreadsheet (formula-safe cells)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from assessment.selectors import ResultRow
from courses.models import Course
from courses.xlsx import CellValue, write_table


def _result_label(row: ResultRow) -> str:
    if row.result is None:
        return _("Chưa xét")
    return _("Hoàn thành") if row.result.passed else _("Không hoàn thành")


def results_table(course: Course, rows: Sequence[ResultRow]) -> bytes:
    headers = [
        _("STT"),
        _("Họ và tên"),
        _("Đơn vị cử"),
        _("Số buổi dự"),
        _("Số buổi tính"),
        _("Tỷ lệ dự học"),
        _("Điểm"),
        _("Xếp loại"),
        _("Kết quả"),
        _("Lý do"),
        _("Quyết định của lãnh đạo"),
    ]

    def cells(row: ResultRow) -> list[CellValue]:
        result = row.result
        override = ""
        if result is not None and result.override is not None:
            override = f"{result.override_reason} ({result.override_by or ''})"
        return [
            row.number,
            row.enrollment.person.full_name,
            str(row.enrollment.unit or ""),
            row.attended,
            row.counted,
            row.share,
            row.assignment.score if row.assignment is not None else None,
            row.grade,
            _result_label(row),
            result.reasons if result is not None else "",
            override,
        ]

    return write_table(
        headers,
        (cells(row) for row in rows),
        sheet_title=_("Kết quả học tập"),
        widths=(6, 30, 30, 10, 10, 10, 8, 12, 16, 40, 40),
    )
