"""The certificate PDF, compiled with typst (templates/certificates/certificate.typ).

One typst document holds any number of certificates, one page each: a class of
a thousand compiles in one go. Everything variable reaches the template as one
JSON document in `sys.inputs`, so names are data, never typst markup.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.utils.translation import gettext as _

from certificates import pdfsplit, qr
from certificates.models import Certificate
from courses.documents import PARTY_KINDS, header_lines
from courses.models import Course

TEMPLATE = Path(settings.BASE_DIR) / "templates" / "certificates" / "certificate.typ"


def _day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def long_date(day: datetime.date) -> str:
    return _("ngày %(d)02d tháng %(m)02d năm %(y)d") % {"d": day.day, "m": day.month, "y": day.year}


def course_dates(course: Course) -> str:
    if course.start_date == course.end_date:
        return _("Ngày %(day)s") % {"day": _day(course.start_date)}
    return _("Từ ngày %(start)s đến ngày %(end)s") % {
        "start": _day(course.start_date),
        "end": _day(course.end_date),
    }


def place_name(course: Course) -> str:
    """ "Bù Đăng": the issuer's territory without its level word."""
    territory = course.owner.territory
    if territory is None:
        return ""
    return str(getattr(territory, "short_name", "") or territory.name)


def verify_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/certificates/verify/{code}/"


def qr_svg(url: str) -> str:
    return qr.segno_svg(url)


def document_data(course: Course, certificates: Sequence[Certificate], base: str) -> dict[str, Any]:
    """Everything the template prints, for the certificates of one class."""
    first_day = certificates[0].issued_on if certificates else course.end_date
    org_name = course.owner.name_on(first_day)
    superior, issuer = header_lines(org_name)
    party = course.owner.kind in PARTY_KINDS
    place = place_name(course)
    qr_codes = qr.qr_svgs([verify_url(base, cert.code) for cert in certificates])
    rows = []
    for cert, qr_code in zip(certificates, qr_codes, strict=True):
        person = cert.enrollment.person
        organization = person.organization.name if person.organization_id else ""  # type: ignore[union-attr]
        position = person.position
        date_line = long_date(cert.issued_on)
        rows.append(
            {
                "name": person.full_name,
                "birth": person.birth_display or "—",
                "unit": ", ".join(p for p in (position, organization) if p) or "—",
                "result": _("Hoàn thành chương trình bồi dưỡng"),
                "register_line": _("Số: %(register)s") % {"register": cert.register},
                "code": cert.code,
                "qr": qr_code,
                "place_date": f"{place}, {date_line}" if place else date_line.capitalize(),
                "signer_title": cert.signer_title.upper(),
                "signer_name": cert.signer_name,
            }
        )
    return {
        "document_title": _("Giấy chứng nhận — %(title)s") % {"title": course.title},
        "author": org_name,
        "header_superior": superior,
        "header_org": issuer,
        "nation": _("ĐẢNG CỘNG SẢN VIỆT NAM") if party else _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "motto": "" if party else _("Độc lập - Tự do - Hạnh phúc"),
        "heading": _("GIẤY CHỨNG NHẬN"),
        "subheading": _("hoàn thành chương trình bồi dưỡng"),
        "label_name": _("Chứng nhận ông/bà:"),
        "label_birth": _("Sinh ngày:"),
        "label_unit": _("Chức vụ, đơn vị:"),
        "label_completed": _("Đã hoàn thành:"),
        "label_dates": _("Thời gian:"),
        "label_result": _("Kết quả:"),
        "course_title": course.title,
        "course_dates": course_dates(course),
        "qr_caption": _("Mã xác minh:"),
        "certificates": rows,
    }


def compile_pdf(data: dict[str, Any], compiler: typst.Compiler | None = None) -> bytes:
    inputs = {"data": json.dumps(data, ensure_ascii=False)}
    if compiler is None:
        compiler = typst.Compiler(TEMPLATE)
    result = compiler.compile(format="pdf", sys_inputs=inputs)
    assert isinstance(result, bytes)
    return result


def render(course: Course, certificates: Sequence[Certificate], base: str) -> bytes:
    """One PDF with a page per certificate."""
    return compile_pdf(document_data(course, certificates, base))


def filename(cert: Certificate) -> str:
    safe = cert.register.replace("/", "-").replace(" ", "")
    return f"giay-chung-nhan-{safe}.pdf"


def render_zip(
    merged: bytes,
    certificates: Sequence[Certificate],
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A zip of one PDF per certificate, cut from the merged PDF (page i = certificate i).

    Splitting the one compiled document is many times faster than compiling a
    thousand single-page documents, and the pages are the same. The pages are cut
    by copying the PDF's objects (`pdfsplit`); pypdf is the fallback for a PDF
    that module does not handle. PDFs are compressed already: the zip stores them.
    """
    try:
        pages = pdfsplit.Pages(merged)
        if len(pages) != len(certificates):
            raise ValueError("merged PDF and certificates differ in length")
        return _zip(pages, certificates, progress)
    except pdfsplit.Unsupported:
        return _zip(_pypdf_pages(merged, len(certificates)), certificates, progress)


def _zip(
    singles: Iterable[bytes],
    certificates: Sequence[Certificate],
    progress: Callable[[int], None] | None,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, (single, cert) in enumerate(zip(singles, certificates, strict=True), 1):
            archive.writestr(filename(cert), single)
            if progress is not None:
                progress(done)
    return buffer.getvalue()


def _pypdf_pages(merged: bytes, count: int) -> Iterator[bytes]:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(merged))
    if len(reader.pages) != count:
        raise ValueError("merged PDF and certificates differ in length")
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        single = io.BytesIO()
        writer.write(single)
        yield single.getvalue()
