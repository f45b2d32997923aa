"""PDF uploads are opened before they are stored: a bomb, an encrypted, a broken or a
too-long PDF is refused with a message naming the file, and nothing is written."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from assessment import services
from assessment.models import Assignment
from core.pdfcheck import MAX_PDF_PAGES
from tests.test_assessment_fixtures import (  # noqa: F401 - fixtures
    PDF,
    course,
    enrollments,
    front,
    secretary,
    teacher,
    upload,
)

pytestmark = pytest.mark.django_db


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def bomb_pdf(megabytes: int = 400) -> bytes:
    """One page and a Flate stream of `megabytes` MB of zeros stored in ~0.4 MB."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    packer = zlib.compressobj(9)
    zeros = b"\0" * (1 << 20)
    stream = StreamObject()
    stream._data = b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer._add_object(stream)
    return _write(writer)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("mat-khau")
    return _write(writer)


def long_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    return _write(writer)


BROKEN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (bomb_pdf, "bom PDF"),
        (encrypted_pdf, "mật khẩu"),
        (lambda: long_pdf(MAX_PDF_PAGES + 1), f"tối đa {MAX_PDF_PAGES} trang"),
        (lambda: BROKEN, "bị hỏng"),
        (lambda: PDF[: len(PDF) // 3], "bị hỏng"),
    ],
    ids=["bomb", "encrypted", "too-many-pages", "broken", "truncated"],
)
def test_bad_pdf_is_refused_and_nothing_is_written(
    content: Any,
    words: str,
    enrollments: Any,  # noqa: F811
    secretary: Any,  # noqa: F811
    settings: Any,
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.assignment_submit(
            actor=secretary, enrollment=enrollments[0], file=upload("bai.pdf", content())
        )
    message = " ".join(refused.value.messages)
    assert "bai.pdf" in message and words in message
    assert not Assignment.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_bomb_among_many_scans_stops_the_whole_upload(
    course: Any,  # noqa: F811
    enrollments: Any,  # noqa: F811
    secretary: Any,  # noqa: F811
) -> None:
    files = [(enrollments[0], upload("a.pdf", PDF)), (enrollments[1], upload("b.pdf", bomb_pdf()))]
    with pytest.raises(ValidationError) as refused:
        services.assignments_upload(actor=secretary, course=course, files=files)
    assert "b.pdf" in " ".join(refused.value.messages)
    assert not Assignment.objects.exists()


def test_real_pdf_passes(enrollments: Any, secretary: Any) -> None:  # noqa: F811
    done = services.assignment_submit(
        actor=secretary, enrollment=enrollments[0], file=upload("bai.pdf", long_pdf(3))
    )
    assert done.file_kind == "pdf" and done.file


def test_trainee_cannot_resubmit_a_graded_paper(enrollments: Any, teacher: Any) -> None:  # noqa: F811
    enrollment = enrollments[0]
    services.assignment_submit_own(enrollment=enrollment, user=None, text="Bài lần một")
    services.grade_set(actor=teacher[0], enrollment=enrollment, score="8")
    with pytest.raises(ValidationError, match="đã được chấm"):
        services.assignment_submit_own(enrollment=enrollment, user=None, text="Bài lần hai")
    assert Assignment.objects.get(enrollment=enrollment).text == "Bài lần một"
