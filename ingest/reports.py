"""Spreadsheets the importer hands out: the error report and the blank templates.

Every text cell goes through `courses.xlsx.safe_cell`, so a value a user typed
as "=HYPERLINK(…)" comes back as text, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from core.scope import territory_units_q
from courses.xlsx import LiteralText, safe_cell
from geo.models import AdminUnit, Level, MapEdition
from ingest.checking import CheckResult, RowError
from ingest.columns import BY_KEY, TEMPLATE_KEYS
from people.models import Sex, TheoryLevel, TraineeCategory
from people.reference import ETHNICITIES, RELIGIONS

RED = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
BOLD = Font(bold=True)
MAX_REPORT_ROWS = 20_000


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    value = safe_cell(value)
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, LiteralText):
        cell.value = str(value)
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def error_report(result: CheckResult, extra: Sequence[RowError] = ()) -> bytes:
    """The rejected rows as the file had them, an added "Lỗi" column, bad cells in red."""
    table = result.table
    header = result.header
    by_row: dict[int, list[RowError]] = {}
    for error in [*result.errors, *extra]:
        by_row.setdefault(error.row, []).append(error)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Lỗi")[:31]
    width = max(len(header.headers), 1)
    titles = [*header.headers, _("Lỗi"), _("Dòng trong tệp gốc")]
    for column, title in enumerate(titles, start=1):
        _put(sheet, 1, column, title).font = BOLD
    out_row = 1
    for number in sorted(by_row)[:MAX_REPORT_ROWS]:
        out_row += 1
        errors = by_row[number]
        original = table.rows[number - 1] if 0 < number <= len(table.rows) else []
        for column in range(width):
            value = original[column] if column < len(original) else None
            _put(sheet, out_row, column + 1, value)
        for error in errors:
            if error.col_index is not None and error.col_index < width:
                cell = sheet.cell(row=out_row, column=error.col_index + 1)
                cell.fill = RED
                text = error.message
                if cell.comment is not None:
                    text = f"{cell.comment.text}\n{text}"
                cell.comment = Comment(text, "taphuan")
        messages = "\n".join(f"{e.column}: {e.message}" if e.column else e.message for e in errors)
        _put(sheet, out_row, width + 1, messages).fill = RED
        _put(sheet, out_row, width + 2, number)
    for column in range(1, width + 3):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    sheet.column_dimensions[get_column_letter(width + 1)].width = 60
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _territory_units(territory: AdminUnit | None) -> tuple[list[str], list[str], list[str]]:
    """Province, district and commune names of a territory (for the drop-downs)."""
    if territory is None:
        units = AdminUnit.objects.filter(edition=MapEdition.CURRENT)
    else:
        units = AdminUnit.objects.filter(territory_units_q(territory, ""))
        if territory.edition == MapEdition.LEGACY:
            units = units.filter(edition=MapEdition.LEGACY)
        else:
            units = units.filter(edition=MapEdition.CURRENT)
    above = (
        list(AdminUnit.objects.filter(pk__in=territory.ancestor_ids()).values_list("level", "name"))
        if territory is not None
        else []
    )
    names: dict[str, list[str]] = {Level.PROVINCE: [], Level.DISTRICT: [], Level.COMMUNE: []}
    for level, name in [*above, *units.order_by("sort_key").values_list("level", "name")]:
        if level in names and name not in names[level]:
            names[level].append(name)
    return names[Level.PROVINCE], names[Level.DISTRICT], names[Level.COMMUNE]


def template(kind_label: str, territory: AdminUnit | None) -> bytes:
    """A blank import template: Vietnamese headers, one sample row, drop-down lists."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Danh sách")[:31]
    lists = workbook.create_sheet(_("Danh mục")[:31])
    lists.sheet_state = "hidden"
    provinces, districts, communes = _territory_units(territory)
    choices: dict[str, list[str]] = {
        "sex": [str(label) for _v, label in Sex.choices],
        "ethnicity": [name for _c, name, _a in ETHNICITIES],
        "religion": [name for _c, name, _a in RELIGIONS],
        "categories": list(
            TraineeCategory.objects.filter(is_active=True).values_list("name", flat=True)
        ),
        "theory_level": [str(label) for value, label in TheoryLevel.choices if value],
        "is_party_member": ["x"],
        "province": provinces,
        "district": districts,
        "commune": communes,
    }
    for column, key in enumerate(TEMPLATE_KEYS, start=1):
        spec = BY_KEY[key]
        cell = _put(sheet, 1, column, str(spec.title))
        cell.font = BOLD
        sheet.column_dimensions[get_column_letter(column)].width = spec.width
    list_column = 0
    for column, key in enumerate(TEMPLATE_KEYS, start=1):
        values = choices.get(key)
        if not values:
            continue
        list_column += 1
        letter = get_column_letter(list_column)
        _put(lists, 1, list_column, str(BY_KEY[key].title))
        for index, value in enumerate(values, start=2):
            _put(lists, index, list_column, value)
        target = get_column_letter(column)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            # Several categories may be typed ("A; B"): warn, do not forbid.
            showErrorMessage=key not in ("categories", "commune", "district"),
            errorTitle=_("Giá trị không có trong danh mục"),
            error=_("Hãy chọn trong danh sách."),
        )
        validation.add(f"{target}2:{target}5000")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    workbook.properties.title = kind_label
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
