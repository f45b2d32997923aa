"""The upload form: which organisation owns the records, the file, all-or-nothing or not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelChoiceField
from core.roles import COMMITTEE
from core.scope import has_role, restrict, territory_units_q
from orgs.models import Organization


class UploadForm(forms.Form):
    owner = ModelChoiceField(label=_("Đơn vị quản lý hồ sơ"), queryset=Organization.objects.none())
    file = forms.FileField(
        label=_("Tệp danh sách"),
        help_text=_("Tệp .xlsx, .xls, .ods hoặc .csv; dòng đầu là tiêu đề cột."),
    )
    valid_only = forms.BooleanField(
        label=_("Chỉ nhập các dòng hợp lệ (bỏ qua các dòng có lỗi)"),
        required=False,
        help_text=_("Mặc định: có bất kỳ lỗi nào thì không ghi gì."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Organization.objects.none()
        if has_role(user, COMMITTEE):
            territory = user.territory()
            owners = restrict(Organization.objects.all(), user)
            if territory is not None:
                owners = owners.filter(territory_units_q(territory, "territory"))
        if getattr(user, "organization_id", None):
            owners = owners | Organization.objects.filter(pk=user.organization_id)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners.distinct().order_by("sort_key")
        if getattr(user, "organization_id", None):
            field.initial = user.organization_id
