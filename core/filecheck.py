"""Structure checks for uploads: a file that starts like a PNG, a JPEG or a Word
document must also be one all the way through.

The leading bytes (see `core.uploads`) say what a file claims to be; these
checks read it as that type without any image or office library: a truncated
photo, a renamed zip, a zip bomb dressed as .docx or a 100,000 × 100,000 pixel
image is refused with a message naming the file. Each function raises
`Corrupt` with a Vietnamese reason; callers turn it into a ValidationError on
their field.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import IO, Any

from django.utils.translation import gettext as _

# An image bigger than this is no photo of a class or a scanned page (a 600 dpi
# A3 scan is ~70 megapixels).
MAX_PIXELS = 100_000_000
# Everything inside an office file together, uncompressed; and how much more
# than its stored size one member may grow (text XML compresses ~10:1).
MAX_ZIP_UNPACKED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MIN_RATIO_BYTES = 16 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000

# The part every office document of a kind must hold.
# (Word Online saves word/document2.xml: a numbered variant is the main part too.)
_OFFICE_MAIN_PART = {
    ".docx": ("word/document", ".xml"),
    ".xlsx": ("xl/workbook", ".xml"),
    ".pptx": ("ppt/presentation", ".xml"),
}
_OPEN_DOCUMENT_TYPES = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
    ".odp": b"application/vnd.oasis.opendocument.presentation",
}


class Corrupt(Exception):
    """The file is not what its first bytes claim (the message says why)."""


def _read_all(upload: IO[bytes]) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise Corrupt(_("kích thước ảnh không hợp lệ"))
    if width * height > MAX_PIXELS:
        raise Corrupt(
            _("ảnh %(w)d × %(h)d điểm ảnh quá lớn (tối đa %(m)d triệu điểm ảnh)")
            % {"w": width, "h": height, "m": MAX_PIXELS // 1_000_000}
        )


# Adam7 passes: (first column, first row, column step, row step).
_ADAM7 = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)
CHUNK = 1024 * 1024


def _png_size(width: int, height: int, bits: int, interlaced: bool) -> int:
    """Bytes the pixel data inflates to: each row's bytes plus its filter byte."""

    def rows(w: int, h: int) -> int:
        return 0 if w == 0 or h == 0 else h * ((w * bits + 7) // 8 + 1)

    if not interlaced:
        return rows(width, height)
    return sum(
        rows((width - x + dx - 1) // dx, (height - y + dy - 1) // dy)
        for x, y, dx, dy in _ADAM7
        if width > x and height > y
    )


def _inflate_counted(inflater: Any, data: bytes, done: int, expected: int) -> int:
    """Inflate `data` a megabyte at a time, keeping nothing: the running total,
    refused as soon as it passes what the header declared."""
    while data:
        out = inflater.decompress(data, CHUNK)
        done += len(out)
        if done > expected:
            raise Corrupt(_("dữ liệu ảnh giải nén lớn hơn kích thước khai báo"))
        data = inflater.unconsumed_tail
        if inflater.eof:
            break
    return done


def check_png(upload: IO[bytes]) -> None:
    """Every chunk whole with a right CRC, IHDR first, IEND last, pixels inflate."""
    data = _read_all(upload)
    pos, seen_header, seen_end = 8, False, False
    inflater = zlib.decompressobj()
    expected = 0
    inflated = 0
    while pos < len(data):
        if pos + 12 > len(data):
            raise Corrupt(_("tệp ảnh bị cắt cụt"))
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise Corrupt(_("tệp ảnh bị cắt cụt"))
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise Corrupt(_("dữ liệu ảnh bị hỏng (sai mã kiểm tra)"))
        if not seen_header:
            if kind != b"IHDR" or length != 13:
                raise Corrupt(_("thiếu phần đầu của ảnh PNG"))
            width, height, depth, colour, _method, _filter, interlace = struct.unpack(
                ">IIBBBBB", body
            )
            _check_pixels(width, height)
            channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour, 4)
            expected = _png_size(width, height, channels * max(depth, 1), interlace == 1)
            seen_header = True
        elif kind == b"IDAT":
            inflated = _inflate_counted(inflater, body, inflated, expected)
        elif kind == b"IEND":
            seen_end = True
            break
        pos += 12 + length
    if not seen_header or not seen_end:
        raise Corrupt(_("tệp ảnh bị cắt cụt"))


def check_jpeg(upload: IO[bytes]) -> None:
    """Markers walk from SOI to a frame header and the scan; an EOI follows the scan
    (phones may append more after it: a motion photo's video, a maker's trailer)."""
    data = _read_all(upload)
    pos, frame = 2, False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise Corrupt(_("cấu trúc ảnh JPEG không hợp lệ"))
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise Corrupt(_("tệp ảnh bị cắt cụt"))
        if marker in {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE}:
            if length < 8:
                raise Corrupt(_("cấu trúc ảnh JPEG không hợp lệ"))
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            _check_pixels(width, height)
            frame = True
        if marker == 0xDA:  # start of scan: the compressed pixels follow
            if not frame:
                raise Corrupt(_("cấu trúc ảnh JPEG không hợp lệ"))
            if data.find(b"\xff\xd9", pos + 2 + length) < 0:
                raise Corrupt(_("tệp ảnh bị cắt cụt"))
            return
        pos += 2 + length
    raise Corrupt(_("cấu trúc ảnh JPEG không hợp lệ"))


def check_gif(upload: IO[bytes]) -> None:
    data = _read_all(upload)
    if len(data) < 14:  # header and screen descriptor (the trailer is often left off)
        raise Corrupt(_("tệp ảnh bị cắt cụt"))
    width, height = struct.unpack("<HH", data[6:10])
    _check_pixels(width, height)


def check_webp(upload: IO[bytes]) -> None:
    data = _read_all(upload)
    (size,) = struct.unpack("<I", data[4:8])
    if size + 8 > len(data):  # shorter than its RIFF header says
        raise Corrupt(_("tệp ảnh bị cắt cụt"))


def check_office(upload: IO[bytes], extension: str) -> None:
    """A whole zip of the right kind, and no zip bomb: sizes read from the directory
    and then counted while reading, never trusted."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise Corrupt(_("tệp có quá nhiều thành phần"))
            names = {m.filename for m in members}
            main = _OFFICE_MAIN_PART.get(extension)
            if main is not None and not any(
                n.startswith(main[0]) and n.endswith(main[1]) and "/" not in n[len(main[0]) :]
                for n in names
            ):
                raise Corrupt(_("không phải tài liệu %(ext)s") % {"ext": extension})
            kind = _OPEN_DOCUMENT_TYPES.get(extension)
            declared = b""
            if kind is not None and "mimetype" in names:
                with archive.open("mimetype") as handle:
                    declared = handle.read(200).strip()
            if kind is not None and declared != kind:
                raise Corrupt(_("không phải tài liệu %(ext)s") % {"ext": extension})
            total = 0
            for member in members:
                read = 0
                with archive.open(member) as handle:
                    while chunk := handle.read(1024 * 1024):
                        read += len(chunk)
                        total += len(chunk)
                        if total > MAX_ZIP_UNPACKED or (
                            read > MIN_RATIO_BYTES
                            and read > MAX_ZIP_RATIO * max(member.compress_size, 1)
                        ):
                            raise Corrupt(_("nội dung nén giải ra quá lớn (nghi là “bom nén”)"))
    except Corrupt:
        raise
    except (NotImplementedError, RuntimeError):  # an unknown method, or encrypted entries
        raise Corrupt(_("tệp nén dùng cách nén hoặc mã hoá không hỗ trợ")) from None
    except Exception:  # BadZipFile, zlib.error, LZMAError, EOFError…: a damaged archive
        raise Corrupt(_("tệp nén bị hỏng hoặc bị cắt cụt")) from None
    finally:
        upload.seek(0)


IMAGE_CHECKS = {"png": check_png, "jpeg": check_jpeg, "gif": check_gif, "webp": check_webp}
