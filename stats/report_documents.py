"""The official results report as PDF (typst) and DOCX (python-docx), from plain data.

`ResultsReport` holds every word, table and chart of the report, already
computed (stats/report.py fills it from the statistics); the two renderers only
lay it out in the form Nghị định 30/2020/NĐ-CP gives administrative documents:
issuing body and national motto, number and symbol, place and date, title,
body, "Nơi nhận" and the signature block. The PDF embeds the SVG charts as they
are; the DOCX gets the same charts rasterised by typst (Word and LibreOffice
do not all read SVG) and real Word tables, so officials can edit everything.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import typst
from django.conf import settings
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

TEMPLATE = Path(settings.BASE_DIR) / "templates" / "stats" / "results_report.typ"
_SVG_TO_PNG = (
    "#set page(width: auto, height: auto, margin: 0pt)\n"
    '#image(bytes(sys.inputs.svg), format: "svg")\n'
)
FONT = "Times New Roman"


@dataclass
class Part:
    """One block of the body: a paragraph, a sub-heading, a table or a chart."""

    kind: Literal["paragraph", "subheading", "table", "chart"]
    text: str = ""
    caption: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    total: list[str] = field(default_factory=list)
    # Relative column widths, and which columns hold numbers (right-aligned).
    widths: list[float] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    svg: str = ""
    alt: str = ""


def paragraph(text: str) -> Part:
    return Part("paragraph", text=text)


def subheading(text: str) -> Part:
    return Part("subheading", text=text)


def table(
    caption: str,
    columns: list[str],
    rows: list[list[str]],
    *,
    total: list[str] | None = None,
    widths: list[float] | None = None,
) -> Part:
    """A table; every cell is text (numbers already formatted the Vietnamese way)."""
    numeric = [
        index > 0 and all(_is_number(r[index]) for r in rows) for index in range(len(columns))
    ]
    return Part(
        "table",
        caption=caption,
        columns=columns,
        rows=rows,
        total=total or [],
        widths=widths or [3.0] + [1.0] * (len(columns) - 1),
        numeric=numeric,
    )


def chart(svg: str, alt: str) -> Part:
    return Part("chart", svg=svg, alt=alt)


def _is_number(text: str) -> bool:
    return bool(text) and text.replace(".", "").replace(",", "").replace("%", "").isdigit()


@dataclass
class Section:
    heading: str
    parts: list[Part]


@dataclass
class ResultsReport:
    """Everything printed on the report; strings only (and SVG text for charts)."""

    author: str  # the issuing organisation, for the document properties
    header_superior: str  # "TỈNH ỦY BÌNH PHƯỚC"
    header_org: str  # "BAN DÂN VẬN"
    number: str  # "Số: 25-BC/BDVTU"
    place_date: str  # "Đồng Xoài, ngày 15 tháng 12 năm 2017"
    heading: str  # "BÁO CÁO"
    title: str  # "Kết quả công tác bồi dưỡng, … năm 2017"
    sections: list[Section]
    recipients: list[str]
    signer_authority: list[str]  # "T/M BAN THƯỜNG VỤ" or "KT. TRƯỞNG BAN"; may be empty
    signer_title: str  # "TRƯỞNG BAN"
    signer_name: str
    signature_note: str = ""  # "(Ký, ghi rõ họ tên)" on drafts
    # A Party body may head its report "ĐẢNG CỘNG SẢN VIỆT NAM" (Hướng dẫn 36-HD/VPTW)
    # instead of the State's name and motto (Nghị định 30/2020/NĐ-CP).
    party: bool = False
    nation: str = ""
    motto: str = ""

    def __post_init__(self) -> None:
        if self.party:
            self.nation, self.motto = _("ĐẢNG CỘNG SẢN VIỆT NAM"), ""
        else:
            self.nation = self.nation or _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
            self.motto = self.motto or _("Độc lập - Tự do - Hạnh phúc")

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["document_title"] = f"{self.heading} {self.title}"
        data["recipients_label"] = _("Nơi nhận:")
        return data


# --- PDF --------------------------------------------------------------------------------


def report_pdf(report: ResultsReport) -> bytes:
    """The report as PDF bytes; only typst's bundled fonts, so every server prints alike."""
    return typst.compile(
        str(TEMPLATE),
        sys_inputs={"data": json.dumps(report.as_json(), ensure_ascii=False)},
        ignore_system_fonts=True,
    )


def svg_to_png(svg: str, ppi: int = 160) -> bytes:
    """A chart rasterised by typst (the same renderer as the PDF)."""
    result = typst.compile(
        _SVG_TO_PNG.encode(),
        sys_inputs={"svg": svg},
        format="png",
        ppi=ppi,
        ignore_system_fonts=True,
    )
    assert isinstance(result, bytes)
    return result


# --- DOCX -------------------------------------------------------------------------------


def _font(run: Any, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    # Word picks the East-Asian/complex-script font separately: name it too.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _line(
    container: Any,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    first: bool = False,
    after: float = 0,
    indent: float = 0,
) -> Any:
    para = container.paragraphs[0] if first else container.add_paragraph()
    para.alignment = align
    fmt = para.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    if indent:
        fmt.first_line_indent = Cm(indent)
    _font(para.add_run(text), size, bold=bold, italic=italic)
    return para


def _rule(container: Any, width_cm: float) -> None:
    """The short solid line under the issuing body, the motto and the title."""
    para = container.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_after = Pt(0)
    para.paragraph_format.space_before = Pt(0)
    run = para.add_run("\u2500" * max(1, int(width_cm * 2.2)))
    _font(run, 6)


def _no_borders(tbl: Any) -> None:
    properties = tbl._element.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _widths(tbl: Any, widths_cm: list[float]) -> None:
    """Fixed column widths that Word and LibreOffice both honour (grid and cells)."""
    tbl.autofit = False
    for index, width in enumerate(widths_cm):
        tbl.columns[index].width = Cm(width)
        for cell in tbl.columns[index].cells:
            cell.width = Cm(width)


def _docx_table(document: Any, part: Part) -> None:
    if part.caption:
        caption = _line(document, part.caption, 13, bold=True, after=3)
        caption.paragraph_format.keep_with_next = True
    rows = [*part.rows, *([part.total] if part.total else [])]
    tbl = document.add_table(rows=1 + len(rows), cols=len(part.columns))
    tbl.style = "Table Grid"
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    total_width = sum(part.widths) or 1.0
    _widths(tbl, [16.5 * width / total_width for width in part.widths])
    # The header row repeats on every page the table runs over.
    header_row = tbl.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row.append(repeat)
    for index, header in enumerate(part.columns):
        head = _line(tbl.rows[0].cells[index], header, 12, bold=True, first=True)
        head.paragraph_format.keep_with_next = True
    for r, values in enumerate(rows, start=1):
        is_total = bool(part.total) and r == len(rows)
        for c, value in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.RIGHT if part.numeric[c] else WD_ALIGN_PARAGRAPH.LEFT
            _line(tbl.rows[r].cells[c], value, 12, bold=is_total, align=align, first=True)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def report_docx(report: ResultsReport) -> bytes:
    """The report as an editable DOCX (Times New Roman 14, A4, Nghị định 30 margins)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    document.core_properties.title = f"{report.heading} {report.title}"
    document.core_properties.author = report.author

    header = document.add_table(rows=2, cols=2)
    _no_borders(header)
    _widths(header, [6.2, 10.3])
    left, right = header.rows[0].cells
    first = True
    if report.header_superior:
        _line(left, report.header_superior, 13, first=True)
        first = False
    _line(left, report.header_org, 13, bold=True, first=first)
    _rule(left, 2.0)
    _line(right, report.nation, 12.5, bold=True, first=True)
    if report.motto:
        _line(right, report.motto, 14, bold=True)
    _rule(right, 5.5 if report.motto else 4.5)
    _line(header.rows[1].cells[0], report.number, 13, first=True)
    _line(header.rows[1].cells[1], report.place_date, 14, italic=True, first=True)

    _line(document, "", 14)
    _line(document, report.heading, 14, bold=True)
    _line(document, report.title, 14, bold=True)
    _rule(document, 3.0)

    for body in report.sections:
        if body.heading:
            heading = _line(
                document, body.heading, 14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6
            )
            heading.paragraph_format.keep_with_next = True
        for part in body.parts:
            if part.kind == "paragraph":
                _line(document, part.text, 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=1)
            elif part.kind == "subheading":
                _line(
                    document,
                    part.text,
                    14,
                    bold=True,
                    italic=True,
                    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    after=6,
                    indent=1,
                ).paragraph_format.keep_with_next = True
            elif part.kind == "table":
                _docx_table(document, part)
            else:
                para = document.add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                para.add_run().add_picture(io.BytesIO(svg_to_png(part.svg)), width=Cm(16))
                # The alternative text of the picture, for screen readers in Word.
                inline = para.runs[-1]._element.findall(".//" + qn("wp:docPr"))
                for properties in inline:
                    properties.set("descr", part.alt)

    _line(document, "", 14)
    footer = document.add_table(rows=1, cols=2)
    _no_borders(footer)
    _widths(footer, [8.0, 8.5])
    left, right = footer.rows[0].cells
    _line(
        left, _("Nơi nhận:"), 12, bold=True, italic=True, first=True, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    for recipient in report.recipients:
        _line(left, f"- {recipient}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = True
    for authority in report.signer_authority:
        _line(right, authority, 14, bold=True, first=first)
        first = False
    _line(right, report.signer_title, 14, bold=True, first=first)
    if report.signature_note:
        _line(right, report.signature_note, 13, italic=True)
    for _blank in range(4):
        _line(right, "", 14)
    _line(right, report.signer_name, 14, bold=True)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
