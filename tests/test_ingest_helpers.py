"""(No tests here.) Files in every format the importer reads, built in memory."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook  # type: ignore[import-untyped]

from people.models import Person, PersonChange, RosterMember

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Tỉnh/Thành phố", "Xã/Phường"]
# Two correct people in Đồng Nai (the current map); CCCDs agree with sex and year.
GOOD = [
    [1, "Nguyễn Văn An", "05/09/1975", "Nam", "075075000001", "Đồng Nai", "Phường Biên Hòa"],
    [2, "Trần Thị Bình", "12/03/1982", "Nữ", "075182000002", "Đồng Nai", "Phường Biên Hòa"],
]


def xlsx(rows: Sequence[Sequence[Any]], formulas: dict[str, str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for ref, formula in (formulas or {}).items():
        sheet[ref] = formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xls(rows: Sequence[Sequence[Any]]) -> bytes:
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sach")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(rows: Sequence[Sequence[Any]], formula_cell: tuple[int, int] | None = None) -> bytes:
    """A minimal OpenDocument spreadsheet written by hand."""
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            formula = ' table:formula="of:=1+1"' if formula_cell == (r, c) else ""
            if isinstance(value, int | float):
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}"{formula}>'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
            else:
                cells.append(
                    f'<table:table-cell office:value-type="string"{formula}>'
                    f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
                )
        body.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{''.join(body)}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8", sep: str = ";") -> bytes:
    text = "\r\n".join(sep.join(str(v) for v in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: base letters plus combining tone marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258")
            out += parts[-1].encode("cp1258")
    return out


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), PersonChange.objects.count(), RosterMember.objects.count()
