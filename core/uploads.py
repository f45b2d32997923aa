"""Checks on uploaded documents: size and type read from the content, not the name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core import filecheck
from core.pdfcheck import check_pdf

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Leading bytes of the document types we accept.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "office"),  # docx, xlsx, pptx, odt (zip containers)
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy-office"),  # doc, xls, ppt
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
]
_EXTENSIONS = {
    "pdf": {".pdf"},
    "office": {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"},
    "legacy-office": {".doc", ".xls", ".ppt"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
}


def check_content(upload: UploadedFile, kind: str, *, field: str = "file") -> None:
    """Read the file as the `kind` its first bytes claim: a broken, truncated or bomb
    file is refused with a message naming it (nothing is stored)."""
    if kind == "pdf":
        check_pdf(upload, field=field)
        return
    name = upload.name or ""
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    reason = ""
    try:
        if kind == "office":
            filecheck.check_office(upload, extension)
        elif kind in filecheck.IMAGE_CHECKS:
            filecheck.IMAGE_CHECKS[kind](upload)
    except filecheck.Corrupt as exc:
        reason = str(exc)
    except Exception:  # zlib.error, struct.error…: damage the checks did not name
        reason = _("dữ liệu bên trong không đọc được")
    finally:
        upload.seek(0)
    if reason:
        raise ValidationError(
            {field: _("Tệp “%(name)s” bị hỏng: %(reason)s.") % {"name": name, "reason": reason}}
        )


def check_document(upload: UploadedFile, *, field: str = "file", content: bool = True) -> str:
    """Refuse oversized files and files whose content is not a document type we accept;
    with `content`, also a file that is broken inside (see `check_content`)."""
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {
                field: _("Tệp quá lớn (%(size).1f MB); tối đa %(max)d MB.")
                % {"size": upload.size / 1_048_576, "max": MAX_DOCUMENT_BYTES // 1_048_576}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for signature, k in _SIGNATURES if head.startswith(signature)), None)
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if kind is None or extension not in _EXTENSIONS[kind]:
        raise ValidationError(
            {
                field: _(
                    "Tệp “%(name)s” không phải tài liệu PDF, Word, Excel, PowerPoint hay ảnh "
                    "hợp lệ (kiểm tra theo nội dung tệp)."
                )
                % {"name": upload.name}
            }
        )
    if content:
        check_content(upload, kind, field=field)
    return kind
