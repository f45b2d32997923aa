from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import grantable_roles
from core.forms import ModelChoiceField
from core.roles import Role
from core.scope import VIEW, restrict
from orgs.models import Organization


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Sau 5 lần sai liên tiếp, việc đăng nhập "
            "tên này từ máy này sẽ bị tạm khoá 15 phút."
        ),
        "inactive": _("Tài khoản này đã bị khoá."),
    }


class _UserFields(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    organization = ModelChoiceField(
        label=_("Cơ quan, đơn vị"), queryset=Organization.objects.none(), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organization"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = restrict(Organization.objects.all(), actor, VIEW).order_by("sort_key")
        roles_field = self.fields["roles"]
        assert isinstance(roles_field, forms.MultipleChoiceField)
        allowed = set(grantable_roles(actor))
        roles_field.choices = [(v, label) for v, label in Role.choices if v in allowed]


class UserCreateForm(_UserFields):
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Tên đăng nhập chỉ gồm chữ, số và các ký tự . @ + - _")},
    )
    password1 = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput, strip=False
    )
    field_order = ["username", "full_name", "email", "position", "organization", "roles"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return data


class UserEditForm(_UserFields):
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
