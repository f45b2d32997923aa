"""Input checks for news: sanitised rich text, plain-text fields, photo uploads."""

from __future__ import annotations

import re

import nh3
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from core.uploads import check_content

MAX_IMAGE_BYTES = 5 * 1024 * 1024

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "hr", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
# Active content: refused with a message rather than silently dropped. Event
# handlers and script URLs count only inside a tag, so prose such as
# "online = trực tuyến" is not mistaken for one.
_ACTIVE = re.compile(
    r"<\s*/?\s*(script|iframe|frame|object|embed|style|form|input|svg|math|link|meta|base)\b"
    r"|<[^>]*?(\son[a-z]+\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text/html)",
    re.IGNORECASE,
)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


def _image_prefix() -> str:
    return reverse("news:image", kwargs={"image_pk": 0}).rsplit("0/", 1)[0]


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images only from this site's own article photos: no tracking pixels or
    # foreign hosts on a public page.
    if tag == "img" and attribute == "src":
        return value if value.startswith(_image_prefix()) else None
    return value


def sanitize_html(value: str) -> str:
    """The allowed subset of HTML: no scripts, event handlers, iframes or foreign images."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def check_rich_text(value: str, *, field: str, label: str) -> str:
    """Refuse active content with a message naming the field; sanitise the rest."""
    if _ACTIVE.search(value):
        raise ValidationError(
            {
                field: _(
                    "“%(label)s” chứa mã không được phép (script, iframe, thuộc tính sự kiện "
                    "on…, javascript:); xoá phần đó rồi lưu lại."
                )
                % {"label": label}
            }
        )
    return sanitize_html(value)


def check_plain_text(value: str, *, field: str, label: str) -> str:
    """Plain-text fields take no markup at all."""
    if _TAG.search(value):
        raise ValidationError(
            {field: _("“%(label)s” không được chứa thẻ HTML hay mã script.") % {"label": label}}
        )
    return value.strip()


_SIGNATURES: list[tuple[bytes, str, set[str]]] = [
    (b"\x89PNG\r\n\x1a\n", "png", {".png"}),
    (b"\xff\xd8\xff", "jpeg", {".jpg", ".jpeg"}),
    (b"GIF87a", "gif", {".gif"}),
    (b"GIF89a", "gif", {".gif"}),
]


def check_image(upload: UploadedFile, *, field: str = "file") -> str:
    """Refuse oversized files and anything whose content is not a PNG, JPEG, GIF or WebP."""
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            {
                field: _("Ảnh quá lớn (%(size).1f MB); tối đa %(max)d MB.")
                % {"size": upload.size / 1_048_576, "max": MAX_IMAGE_BYTES // 1_048_576}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    found = next(
        (
            k
            for signature, k, extensions in _SIGNATURES
            if head.startswith(signature) and extension in extensions
        ),
        None,
    )
    if found is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP" and extension == ".webp":
        found = "webp"
    if found is not None:
        check_content(upload, found, field=field)  # a truncated or giant image: refused
        return found
    raise ValidationError(
        {
            field: _(
                "Tệp “%(name)s” không phải ảnh PNG, JPEG, GIF hay WebP (kiểm tra theo nội "
                "dung tệp)."
            )
            % {"name": upload.name}
        }
    )


IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
