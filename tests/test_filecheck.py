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


def _png_chunks(header: bytes, idat: bytes) -> bytes:
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_real_world_variants_pass() -> None:
    """Interlaced PNGs, phone JPEGs with data after the end marker, Word Online's
    document2.xml, a GIF without its trailer."""
    import io
    import struct
    import zipfile

    # A 3×3 interlaced RGB PNG: seven Adam7 passes, each row with its filter byte.
    header = struct.pack(">IIBBBBB", 3, 3, 8, 2, 0, 0, 1)
    # Passes 1, 4, 5, 6, 7 hold 4 + 4 + 7 + 8 + 10 = 33 bytes: more than the 30 of a
    # plain 3×3 image, which a check ignoring interlacing would call oversized.
    idat = zlib.compress(b"\x00" * 33)
    assert check_document(SimpleUploadedFile("xen-ke.png", _png_chunks(header, idat))) == "png"
    motion = JPEG + b"\x00\x00MotionPhoto_Data" + b"\x00" * 64
    assert check_document(SimpleUploadedFile("dien-thoai.jpg", motion)) == "jpeg"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document2.xml", "<w:document/>")
    assert check_document(SimpleUploadedFile("online.docx", buffer.getvalue())) == "office"
    gif = b"GIF87a\x01\x00\x01\x00\x00\x00\x00" + b"\x2c" + b"\x00" * 12
    assert check_image(SimpleUploadedFile("a.gif", gif)) == "gif"


def test_damaged_pixel_data_is_a_message_not_a_500() -> None:
    import struct

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    garbage = _png_chunks(header, b"\x78\x9c" + b"\xff" * 40)  # zlib header, then rubbish
    assert "bị hỏng" in _refusal("anh.png", garbage)
