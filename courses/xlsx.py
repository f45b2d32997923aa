"""Spreadsheet writing (openpyxl, write-only mode) safe against formula injection.

A cell whose text begins with = + - @ (or a tab or carriage return) is a
formula to Excel and LibreOffice when typed or imported. Such text is written
as a plain string cell with the "quote prefix" style: it shows verbatim (no
stray apostrophe, so "+84 912…" stays readable) and stays text even when a
user edits the cell.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from courses.models import Course

CellValue = str | int | float | Decimal | bool | datetime.date | datetime.datetime | None

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell


class LiteralText(str):
    """Text that a spreadsheet would read as a formula: to be written as text."""

    __slots__ = ()


def safe_cell(value: CellValue) -> CellValue:
    """`value` made safe to put in a cell.

    Text loses characters XML forbids and is cut to Excel's limit; text that
    would start a formula comes back as `LiteralText` (still equal to the
    text), which `write_table` stores as a quote-prefixed string. Numbers,
    dates and None pass through unchanged.
    """
    if not isinstance(value, str):
        return value
    text: str = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
    if text.startswith(FORMULA_TRIGGERS):
        return LiteralText(text)
    return text


def _cell(sheet: object, value: CellValue) -> WriteOnlyCell:
    value = safe_cell(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, LiteralText):
        # openpyxl takes text starting with "=" for a formula: force a string cell.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def write_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[CellValue]],
    *,
    sheet_title: str = "",
    widths: Sequence[int] = (),
) -> bytes:
    """One sheet: a bold, frozen, filterable header row, then `rows`; the .xlsx bytes.

    Rows are streamed (write-only mode), so memory stays flat for long lists.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_sheet_title(sheet_title))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    header_align = Alignment(wrap_text=True, vertical="center")
    header_cells = []
    for header in headers:
        cell = _cell(sheet, header)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, header_align
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip(" '")
    return cleaned[:31] or "Sheet1"


# --- the class list --------------------------------------------------------------------


def course_table(courses: Iterable[Course]) -> bytes:
    """The class list as the list page filters it; `courses` should come from
    `selectors.course_list` (owner and plan already joined)."""
    headers = [
        _("Tên lớp"),
        _("Loại"),
        _("Cấp"),
        _("Đơn vị tổ chức"),
        _("Địa điểm"),
        _("Từ ngày"),
        _("Đến ngày"),
        _("Số học viên dự kiến"),
        _("Số học viên thực tế"),
        _("Trạng thái"),
        _("Kế hoạch"),
    ]
    rows = (
        (
            course.title,
            str(course.get_kind_display()),
            str(course.get_level_display()),
            course.owner.name,
            course.venue,
            course.start_date,
            course.end_date,
            course.capacity,
            course.trainee_count,
            str(course.get_status_display()),
            course.plan.reference if course.plan is not None else "",
        )
        for course in courses
    )
    return write_table(
        headers,
        rows,
        sheet_title=_("Danh sách lớp"),
        widths=(50, 22, 16, 34, 30, 12, 12, 12, 12, 16, 18),
    )
