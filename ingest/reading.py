"""Reading an uploaded spreadsheet safely into a plain table of cells.

The file's kind comes from its first bytes, never from its name: a zip is an
.xlsx or an .ods by what it contains, an OLE2 compound file is an .xls or a
password-protected Office file (its "EncryptedPackage" stream), anything else
must decode as CSV text. Before any parser sees a byte the size is checked;
before a zip is parsed its members' declared sizes and compression ratios are
(a few kilobytes that inflate to gigabytes is a zip bomb). Every refusal is a
`FileRejected` with a Vietnamese message and nothing else happens.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

Cell = str | int | float | bool | datetime.date | datetime.datetime | datetime.time | None

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# A spreadsheet's XML compresses about 10:1; far beyond that is a bomb.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM = 1024 * 1024  # tiny members may compress very well legitimately

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"[^>]*>(?:(?!</c>).)*?<f[\s>/]', re.S)
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


class FileRejected(Exception):
    """The file cannot be read; the message (Vietnamese) says why."""


@dataclass
class Table:
    """The first sheet as rows of cells; row numbers are the sheet's (1-based)."""

    rows: list[list[Cell]]
    file_format: str
    # Cells holding a formula, as spreadsheet references ("C7").
    formulas: list[str] = field(default_factory=list)
    encoding: str = ""


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(data: bytes, *, max_rows: int = 0, max_columns: int = 0) -> Table:
    """The first sheet of `data` (xlsx, xls, ods or csv), or `FileRejected`."""
    max_bytes: int = settings.IMPORT_MAX_BYTES
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    max_columns = max_columns or settings.IMPORT_MAX_COLUMNS
    if not data:
        raise FileRejected(_("Tệp rỗng."))
    if len(data) > max_bytes:
        raise FileRejected(
            _("Tệp lớn %(size)s MB, vượt giới hạn %(limit)s MB.")
            % {"size": _mb(len(data)), "limit": _mb(max_bytes)}
        )
    if data.startswith(ZIP_MAGIC):
        table = _read_zip(data, max_rows, max_columns)
    elif data.startswith(OLE2_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise FileRejected(
                _("Tệp được đặt mật khẩu. Hãy mở tệp, bỏ mật khẩu, lưu lại rồi tải lên.")
            )
        table = _read_calamine(data, "xls")
    else:
        table = _read_csv(data)
    _check_limits(table, max_rows, max_columns)
    return table


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _too_many_rows(rows: int, max_rows: int) -> FileRejected:
    return FileRejected(
        _("Tệp có %(rows)s dòng, vượt giới hạn %(limit)s dòng mỗi lần nhập. Hãy chia nhỏ tệp.")
        % {"rows": f"{rows:,}".replace(",", "."), "limit": f"{max_rows:,}".replace(",", ".")}
    )


def _too_many_columns(columns: int, max_columns: int) -> FileRejected:
    return FileRejected(
        _("Tệp có %(columns)s cột (đến cột %(letter)s), vượt giới hạn %(limit)s cột.")
        % {"columns": columns, "letter": column_letter(columns - 1), "limit": max_columns}
    )


def _check_limits(table: Table, max_rows: int, max_columns: int) -> None:
    rows = len(table.rows)
    if rows > max_rows + 1:  # + the header row
        raise _too_many_rows(rows, max_rows)
    widest = max((_width(row) for row in table.rows), default=0)
    if widest > max_columns:
        raise _too_many_columns(widest, max_columns)


def _width(row: Sequence[Cell]) -> int:
    width = len(row)
    while width and (row[width - 1] is None or row[width - 1] == ""):
        width -= 1
    return width


# --- zip containers: xlsx and ods ---------------------------------------------------------


def _read_zip(data: bytes, max_rows: int, max_columns: int) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected(_("Tệp bị hỏng: không đọc được nội dung nén.")) from None
    _guard_zip_bomb(members)
    names = {member.filename for member in members}
    try:
        if "xl/workbook.xml" in names:
            formulas = _xlsx_formulas(archive, names)
            table = _read_calamine(data, "xlsx")
        elif "content.xml" in names and (
            "mimetype" not in names or archive.read("mimetype").strip() == ODS_MIMETYPE
        ):
            formulas = _ods_scan(archive.read("content.xml"), max_rows, max_columns)
            table = _read_calamine(data, "ods")
        elif "word/document.xml" in names:
            raise FileRejected(_("Đây là tệp Word, không phải bảng tính."))
        else:
            raise FileRejected(_("Tệp nén này không phải bảng tính Excel (.xlsx) hay ODS."))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ElementTree.ParseError):
        raise FileRejected(_("Tệp bị hỏng: không đọc được nội dung nén.")) from None
    table.formulas = formulas
    return table


def _guard_zip_bomb(members: Sequence[zipfile.ZipInfo]) -> None:
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise FileRejected(
                _(
                    "Tệp nén bất thường (thành phần %(name)s giải nén lớn gấp %(ratio)s lần): "
                    "có thể là “bom nén”, không đọc."
                )
                % {"name": member.filename, "ratio": int(ratio)}
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRejected(
            _("Tệp nén bất thường: giải nén ra %(size)s MB, vượt giới hạn %(limit)s MB.")
            % {"size": _mb(total), "limit": _mb(MAX_UNCOMPRESSED_BYTES)}
        )


def _xml(data: bytes) -> ElementTree.Element:
    """Parse a member's XML; a DTD (entity expansion, "billion laughs") is refused outright."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise FileRejected(_("Tệp bị hỏng: nội dung XML có khai báo DTD không được phép."))
    return ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entity expansion


def _first_sheet_path(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The part of the workbook's first sheet (through the workbook's relationships)."""
    workbook = _xml(archive.read("xl/workbook.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rel_attr = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    sheet = workbook.find("m:sheets/m:sheet", ns)
    if sheet is None:
        raise FileRejected(_("Bảng tính không có trang tính nào."))
    rel_id = sheet.get(rel_attr, "")
    if "xl/_rels/workbook.xml.rels" in names:
        rels = _xml(archive.read("xl/_rels/workbook.xml.rels"))
        for rel in rels:
            if rel.get("Id") == rel_id:
                target = rel.get("Target", "").lstrip("/")
                return target if target.startswith("xl/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def _xlsx_formulas(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    path = _first_sheet_path(archive, names)
    if path not in names:
        return []
    xml = archive.read(path)
    if b"<f" not in xml:
        return []
    return [ref.decode() for ref in _FORMULA_CELL.findall(xml)]


def _ods_repeat(element: ElementTree.Element, attribute: str) -> int:
    """A row's or cell's repeat count; a count that is not a positive number is refused."""
    raw = element.get(f"{{{_TABLE_NS}}}{attribute}", "1")
    try:
        count = int(raw)
    except ValueError:
        count = 0
    if count < 1:
        raise FileRejected(
            _("Tệp ODS bị hỏng: số lần lặp lại dòng hoặc cột “%(value)s” không hợp lệ.")
            % {"value": raw[:20]}
        )
    return count


def _ods_filled(cell: ElementTree.Element) -> bool:
    return (
        cell.get("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type") is not None
        or len(cell) > 0
    )


def _ods_scan(content: bytes, max_rows: int, max_columns: int) -> list[str]:
    """The first table's formula cells (as references), after checking its repeat counts.

    A row or cell may say it repeats n times; the reader would copy a filled
    one n times (a few bytes becoming millions of cells), so a filled row or
    cell reaching beyond the import's limits is refused before reading. Empty
    ones are how spreadsheets pad a sheet to its full size and stay allowed.
    """
    if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content[:4096]:
        raise FileRejected(_("Tệp bị hỏng: nội dung XML có khai báo DTD không được phép."))
    refs: list[str] = []
    row_number = 0
    depth_tables = 0
    # No DTD (refused above), so no entity expansion.
    events = ElementTree.iterparse(io.BytesIO(content), events=("start", "end"))  # noqa: S314
    for event, element in events:
        tag = element.tag
        if tag == f"{{{_TABLE_NS}}}table":
            depth_tables += 1 if event == "start" else 0
            if event == "end":
                break
        if event != "end" or depth_tables != 1:
            continue
        if tag == f"{{{_TABLE_NS}}}table-row":
            repeat = _ods_repeat(element, "number-rows-repeated")
            column = 0
            filled_row = False
            for cell in element:
                span = _ods_repeat(cell, "number-columns-repeated")
                if _ods_filled(cell):
                    filled_row = True
                    if column + span > max_columns:
                        raise _too_many_columns(column + span, max_columns)
                if cell.get(f"{{{_TABLE_NS}}}formula") is not None:
                    refs.append(f"{column_letter(column)}{row_number + 1}")
                column += span
            if filled_row and row_number + repeat > max_rows + 1:  # + the header row
                raise _too_many_rows(row_number + repeat, max_rows)
            row_number += repeat
            element.clear()
    return refs


# --- calamine: xlsx, xls, ods -------------------------------------------------------------


def _read_calamine(data: bytes, file_format: str) -> Table:
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise FileRejected(_("Bảng tính không có trang tính nào."))
        rows: list[list[Any]] = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except FileRejected:
        raise
    except PasswordError:
        raise FileRejected(
            _("Tệp được đặt mật khẩu. Hãy mở tệp, bỏ mật khẩu, lưu lại rồi tải lên.")
        ) from None
    except Exception as error:  # calamine raises several error types for damaged files
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            raise FileRejected(
                _("Tệp được đặt mật khẩu. Hãy mở tệp, bỏ mật khẩu, lưu lại rồi tải lên.")
            ) from None
        raise FileRejected(
            _("Tệp bị hỏng hoặc không phải bảng tính (%(format)s) đọc được.")
            % {"format": file_format}
        ) from None
    return Table(rows=rows, file_format=file_format)


# --- CSV ----------------------------------------------------------------------------------

_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode_line(raw: bytes) -> tuple[str, str]:
    """One line's text and the encoding that read it: UTF-8, else Windows-1258, else 1252.

    Lines are decoded one by one because files stitched together from several
    offices mix encodings. Windows-1258 writes tones as combining marks: NFC
    puts them back together with their letters.
    """
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return unicodedata.normalize("NFC", raw.decode("cp1258")), "cp1258"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def _read_csv(data: bytes) -> Table:
    if _BINARY.search(data[:4096]):
        raise FileRejected(_("Tệp không phải bảng tính: hãy dùng tệp .xlsx, .xls, .ods hoặc .csv."))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    encodings: set[str] = set()
    lines: list[str] = []
    for raw in data.splitlines():
        text, encoding = decode_line(raw)
        if raw.strip():
            encodings.add(encoding)
        lines.append(text)
    sample = "\n".join(lines[:20])
    delimiter = max((";", ",", "\t"), key=sample.count)
    if not any(delimiter in line for line in lines[:20]) and len(lines) > 1:
        raise FileRejected(_("Tệp không phải bảng tính: hãy dùng tệp .xlsx, .xls, .ods hoặc .csv."))
    try:
        rows: list[list[Cell]] = [
            list(row) for row in csv.reader(lines, delimiter=delimiter, strict=False)
        ]
    except csv.Error:
        raise FileRejected(_("Tệp CSV hỏng: không tách được các cột.")) from None
    # Text starting with "=" becomes a formula when the file is opened in a spreadsheet.
    formulas = [
        f"{column_letter(c)}{r + 1}"
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if isinstance(value, str) and value.startswith("=")
    ]
    return Table(
        rows=rows, file_format="csv", formulas=formulas, encoding="+".join(sorted(encodings))
    )
