"""A PDF upload is opened before it is stored: a PDF bomb, an encrypted or a broken
file is refused with a message naming the file.

A bomb is a small file whose streams inflate to gigabytes (or that declares
thousands of pages). The check never inflates a whole stream into memory: it
feeds each Flate stream to `zlib` a chunk at a time with `max_length`, counts
the output and throws it away, and stops as soon as the total passes the budget.
Streams are read before the page tree, so pypdf never decodes an object stream
that the budget would have refused.
"""

from __future__ import annotations

import zlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject, StreamObject

# A final paper or a class's scans: a few hundred pages at most.
MAX_PDF_PAGES = 500
# All streams of the file together, decoded. A 20 MB scan decodes to far less:
# scanned pages are JPEG (DCTDecode), which is not inflated here.
MAX_PDF_DECODED_BYTES = 256 * 1024 * 1024
# One stream may inflate at most this many times its stored size (zeros compress
# ~1000:1; text and line art stay under 100:1) once it passes MIN_RATIO_BYTES.
MAX_PDF_RATIO = 1_000
MIN_RATIO_BYTES = 16 * 1024 * 1024
CHUNK = 1024 * 1024


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _filters(stream: StreamObject) -> list[str]:
    value: Any = stream.get("/Filter")
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if value is None:
        return []
    if isinstance(value, ArrayObject):
        return [str(v.get_object() if isinstance(v, IndirectObject) else v) for v in value]
    return [str(value)]


def _inflated_size(raw: bytes, budget: int) -> int:
    """Bytes `raw` inflates to, stopping one past `budget` (never held in memory)."""
    inflater = zlib.decompressobj()
    total = 0
    data = raw
    while data and total <= budget:
        out = inflater.decompress(data, min(CHUNK, budget - total + 1))
        total += len(out)
        data = inflater.unconsumed_tail
        if inflater.eof:
            break
    if total <= budget and not inflater.eof:
        total += len(inflater.flush())
    return total


def _scan_streams(reader: PdfReader, name: str) -> None:
    """Count the inflated size of every stored (not object-stream) Flate stream."""
    used = 0
    for generation, numbers in reader.xref.items():
        for number in numbers:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if not isinstance(obj, StreamObject):
                continue
            filters = _filters(obj)
            if not filters or filters[0] not in {"/FlateDecode", "/Fl"}:
                continue
            raw = obj._data  # the stored bytes, not decoded
            size = _inflated_size(raw, MAX_PDF_DECODED_BYTES - used)
            used += size
            if used > MAX_PDF_DECODED_BYTES or (
                size > MIN_RATIO_BYTES and size > MAX_PDF_RATIO * max(len(raw), 1)
            ):
                raise _Refused(
                    _(
                        "Tệp “%(name)s” bị từ chối: nội dung nén giải ra quá lớn "
                        "(nghi là “bom PDF”)."
                    )
                    % {"name": name}
                )


def check_pdf(upload: UploadedFile, *, field: str = "file") -> None:
    """Refuse a PDF that is encrypted, broken, too long or a decompression bomb."""
    name = upload.name or ""
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _Refused(
                _("Tệp “%(name)s” có đặt mật khẩu hoặc mã hoá; hãy nộp bản PDF không khoá.")
                % {"name": name}
            )
        _scan_streams(reader, name)
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise _Refused(
                _("Tệp “%(name)s” có %(n)d trang; tối đa %(max)d trang.")
                % {"name": name, "n": pages, "max": MAX_PDF_PAGES}
            )
        if pages == 0:
            raise _Refused(_("Tệp “%(name)s” không có trang nào.") % {"name": name})
    except _Refused as exc:
        raise ValidationError({field: exc.message}) from None
    except (Exception, RecursionError):  # pypdf raises many kinds on a broken file
        raise ValidationError(
            {field: _("Tệp “%(name)s” bị hỏng, không đọc được như một tệp PDF.") % {"name": name}}
        ) from None
    finally:
        upload.seek(0)
