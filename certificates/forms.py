from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField


class BatchForm(forms.Form):
    issued_on = DateField(label=_("Ngày cấp"), initial=timezone.localdate)
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"), max_length=160, initial=_("Trưởng ban")
    )
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=120)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Phải ghi rõ lý do.")},
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã xác minh"), max_length=32)
