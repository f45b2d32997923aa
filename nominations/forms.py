"""Forms of quotas, nominations and decisions (Vietnamese labels)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import ModelChoiceField
from core.scope import VIEW, restrict
from nominations.models import Quota
from orgs.models import Organization
from people.models import Person


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class QuotaForm(forms.Form):
    unit = ModelChoiceField(
        label=_("Đơn vị cử học viên"),
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": _("Đơn vị không tồn tại hoặc ngoài phạm vi của bạn.")},
    )
    places = forms.IntegerField(label=_("Số chỉ tiêu"), min_value=1, max_value=100_000)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, quota: Quota | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = restrict(Organization.objects.all(), user, VIEW).order_by("sort_key")
        if quota is not None:
            # Editing: the unit stays; only the number and the note change.
            units = Organization.objects.filter(pk=quota.unit_id)
            self.fields["unit"].disabled = True
        _set_queryset(self, "unit", units)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=1000,
        error_messages={"required": _("Phải ghi rõ lý do.")},
    )


class PersonChoiceForm(forms.Form):
    """An existing person, chosen from a search (htmx fills the options)."""

    person = ModelChoiceField(
        label=_("Người được cử"),
        queryset=Person.objects.none(),
        error_messages={
            "required": _("Hãy chọn một người."),
            "invalid_choice": _("Người này không có trong hồ sơ bạn được xem."),
        },
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "person", people)


DATE_ONLY = "%d/%m/%Y"


class EndOfDayDateTimeField(forms.DateTimeField):
    """A date and time; a date alone means the end of that day (23:59), not its
    first minute: "hạn 20/05/2022" leaves the whole 20th to nominate."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        if isinstance(value, str):
            try:
                day = datetime.datetime.strptime(value.strip(), DATE_ONLY)
            except ValueError:
                pass
            else:
                value = day.replace(hour=23, minute=59)
        return super().to_python(value)


class DeadlineForm(forms.Form):
    deadline = EndOfDayDateTimeField(
        label=_("Hạn cử học viên"),
        required=False,
        input_formats=["%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(format="%d/%m/%Y %H:%M"),
        error_messages={
            "invalid": _("Nhập ngày giờ dạng dd/mm/yyyy HH:MM, ví dụ 20/05/2022 17:00.")
        },
        help_text=_(
            "Ví dụ 20/05/2022 17:00; chỉ nhập ngày thì hạn là 23:59 ngày đó. "
            "Để trống: không đặt hạn."
        ),
    )
