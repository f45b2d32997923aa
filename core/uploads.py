"""Checks on uploaded documents: size and type read from the content, not the name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

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


def check_document(upload: UploadedFile, *, field: str = "file") -> str:
    """Refuse oversized files and files whose content is not a document type we accept."""
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
    return kind
