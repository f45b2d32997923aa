"""Forms of assignments, grading rules and overrides."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

FILE_HELP = _("PDF, Word (.docx), JPEG hoặc PNG; tối đa 20 MB.")


class SubmitForm(forms.Form):
    text = forms.CharField(label=_("Nội dung bài"), required=False, widget=forms.Textarea)
    file = forms.FileField(label=_("Tệp bài thu hoạch"), required=False, help_text=FILE_HELP)


class RuleForm(forms.Form):
    min_attendance = forms.DecimalField(
        label=_("Tỷ lệ dự học tối thiểu (0–1)"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=2,
        localize=True,
    )
    assignment_required = forms.BooleanField(label=_("Bắt buộc nộp bài thu hoạch"), required=False)
    pass_mark = forms.DecimalField(
        label=_("Điểm đạt"),
        min_value=Decimal(0),
        max_value=Decimal(10),
        decimal_places=1,
        localize=True,
    )
    excellent_from = forms.DecimalField(
        label=_("Xuất sắc từ"),
        min_value=Decimal(0),
        max_value=Decimal(10),
        decimal_places=1,
        localize=True,
    )
    good_from = forms.DecimalField(
        label=_("Giỏi từ"),
        min_value=Decimal(0),
        max_value=Decimal(10),
        decimal_places=1,
        localize=True,
    )
    fair_from = forms.DecimalField(
        label=_("Khá từ"),
        min_value=Decimal(0),
        max_value=Decimal(10),
        decimal_places=1,
        localize=True,
    )
    average_from = forms.DecimalField(
        label=_("Trung bình từ"),
        min_value=Decimal(0),
        max_value=Decimal(10),
        decimal_places=1,
        localize=True,
    )
