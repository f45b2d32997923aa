"""Uploads are read as what they claim to be: broken, truncated and bomb files are
refused with a message naming the file, and nothing is stored."""

from __future__ import annotations

import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import check_document
from news.cleaning import check_image
from tests.files import JPEG, PDF, docx, png, tiny_png, zip_bomb


def _refusal(name: str, content: bytes, check=check_document) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        check(SimpleUploadedFile(name, content))
    return " ".join(caught.value.messages)


def test_real_files_pass() -> None:
    assert check_document(SimpleUploadedFile("bai.pdf", PDF)) == "pdf"
    assert check_document(SimpleUploadedFile("bai.docx", docx())) == "office"
    assert check_document(SimpleUploadedFile("anh.png", tiny_png())) == "png"
    assert check_document(SimpleUploadedFile("anh.jpg", JPEG)) == "jpeg"
    assert check_image(SimpleUploadedFile("anh.jpeg", JPEG)) == "jpeg"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("anh.png", tiny_png()[:-8], "bị cắt cụt"),
        ("anh.png", tiny_png()[:30] + b"\x00" + tiny_png()[31:], "sai mã kiểm tra"),
        ("anh.png", png(100_000, 100_000), "quá lớn"),
        ("anh.jpg", JPEG[: len(JPEG) // 2], "bị cắt cụt"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40 + b"\xff\xd9", "bị hỏng"),
        ("bai.docx", docx()[:-100], "bị hỏng"),
        ("bai.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "không đọc được như một tệp PDF"),
    ],
)
def test_broken_files_are_refused_by_name(name: str, content: bytes, reason: str) -> None:
    message = _refusal(name, content)
    assert name in message and reason in message


def test_a_spreadsheet_renamed_docx_is_no_word_document() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "không phải tài liệu .docx" in _refusal("bai.docx", buffer.getvalue())


def test_a_zip_bomb_is_refused_without_inflating_it_whole() -> None:
    bomb = zip_bomb(300)
    assert len(bomb) < 2 * 1024 * 1024
    assert "bom nén" in _refusal("bai.docx", bomb)


def test_news_images_are_read_too() -> None:
    assert "bị cắt cụt" in _refusal("anh.png", tiny_png()[:-8], check_image)
    giant = png(60_000, 60_000)
    assert zlib.crc32(giant) and "quá lớn" in _refusal("anh.png", giant, check_image)
