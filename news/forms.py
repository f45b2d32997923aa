"""Forms for news pages; the checks themselves live in services and cleaning."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from tinymce.widgets import TinyMCE  # type: ignore[import-untyped]

from core.forms import ModelChoiceField
from core.scope import VIEW, restrict
from news.drafting import TEMPLATE_KEYS
from news.models import Article, Category, CommentStatus
from orgs.models import Organization, OrganizationKind

TEMPLATE_CHOICES = [
    ("", _("Tự chọn (luân phiên theo lớp)")),
    ("a", _("Mẫu A: thời gian – đơn vị tổ chức – lớp")),
    ("b", _("Mẫu B: số học viên – lớp – đơn vị tổ chức")),
    ("c", _("Mẫu C: địa điểm – thời gian – khai giảng")),
]
assert {key for key, _label in TEMPLATE_CHOICES if key} == set(TEMPLATE_KEYS)


def editor_config(images: list[dict[str, str]]) -> dict[str, Any]:
    """TinyMCE from the pip package (no CDN); photos picked from the article's own."""
    return {
        "license_key": "gpl",
        "height": 480,
        "menubar": False,
        "promotion": False,
        "branding": False,
        "plugins": "lists link image table code",
        "toolbar": "undo redo | blocks | bold italic | bullist numlist | link image table "
        "| removeformat code",
        "block_formats": "Đoạn văn=p; Tiêu đề 2=h2; Tiêu đề 3=h3",
        "image_caption": True,
        "image_list": images,
        "image_description": True,
        "relative_urls": False,
        "convert_urls": False,
        "entity_encoding": "raw",
    }


def _category_field() -> forms.ModelChoiceField[Category]:
    """Categories in use only: a retired one is not offered for new articles."""
    return ModelChoiceField(
        label=_("Chuyên mục"), queryset=Category.objects.filter(is_active=True), empty_label=None
    )


class DraftForm(forms.Form):
    template = forms.ChoiceField(label=_("Mẫu mở đầu"), choices=TEMPLATE_CHOICES, required=False)
    category = _category_field()


class BlankArticleForm(forms.Form):
    """Viết tin mới: an article not drafted from a class (a conference, a model, ...)."""

    owner = ModelChoiceField(
        label=_("Đơn vị đăng tin"), queryset=Organization.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    category = _category_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = (
            restrict(Organization.objects.select_related("territory"), user, VIEW)
            .filter(kind=OrganizationKind.COMMITTEE)
            .order_by("sort_key")
        )
        if user.organization_id and owner.queryset.filter(pk=user.organization_id).exists():
            self.initial.setdefault("owner", user.organization_id)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Tên chuyên mục"), max_length=120)
    order = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=32767, initial=100)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    lead = forms.CharField(
        label=_("Sa-pô (đoạn dẫn)"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(label=_("Nội dung"), required=False, max_length=200_000)
    byline = forms.CharField(label=_("Tác giả"), max_length=150, required=False)
    category = _category_field()

    def __init__(
        self,
        *args: Any,
        images: list[dict[str, str]] | None = None,
        current_category: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if current_category is not None:
            # The article's own category stays selectable even after it was retired.
            field = self.fields["category"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Category.objects.filter(Q(is_active=True) | Q(pk=current_category))
        self.fields["body"].widget = TinyMCE(
            attrs={"rows": 20}, mce_attrs=editor_config(images or [])
        )

    @classmethod
    def initial_for(cls, article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "lead": article.lead,
            "body": article.body,
            "byline": article.byline,
            "category": article.category_id,
        }


class ImageForm(forms.Form):
    file = forms.FileField(
        label=_("Ảnh (PNG, JPEG, GIF, WebP; tối đa 5 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    caption = forms.CharField(label=_("Chú thích"), max_length=300)
    alt = forms.CharField(label=_("Mô tả ảnh (cho người khiếm thị)"), max_length=300)


class CommentForm(forms.Form):
    name = forms.CharField(label=_("Họ và tên"), max_length=100)
    email = forms.EmailField(label=_("Thư điện tử"), max_length=200)
    message = forms.CharField(
        label=_("Ý kiến"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Honeypot: hidden from people, filled in by form-spamming robots.
    website = forms.CharField(label=_("Để trống ô này"), required=False)


class ModerateForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(CommentStatus.APPROVED, _("Duyệt")), (CommentStatus.REJECTED, _("Không duyệt"))]
    )
