from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, ModelChoiceField, parse_id
from core.scope import VIEW, restrict, units_in_scope
from geo.models import AdminUnit, Level
from orgs.models import Organization, OrganizationKind

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class OrganizationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=OrganizationKind.choices)
    name = forms.CharField(label=_("Tên"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    territory = ModelChoiceField(
        label=_("Địa bàn"),
        queryset=AdminUnit.objects.none(),
        error_messages={"invalid_choice": _("Địa bàn không tồn tại hoặc ngoài phạm vi của bạn.")},
    )
    parent = ModelChoiceField(
        label=_("Cơ quan cấp trên"), queryset=Organization.objects.none(), required=False
    )
    valid_from = DateField(label=_("Hoạt động từ"), required=False, widget=DATE_WIDGET)
    valid_to = DateField(label=_("Hoạt động đến"), required=False, widget=DATE_WIDGET)

    def __init__(
        self, *args: Any, user: Any, instance: Organization | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        territory_field = self.fields["territory"]
        assert isinstance(territory_field, forms.ModelChoiceField)
        # Validated against the user's territory, never rendered whole (htmx picker).
        territory_field.queryset = units_in_scope(user).exclude(level=Level.VILLAGE)
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parents = restrict(Organization.objects.all(), user, VIEW)
        if instance is not None and instance.parent_id is not None:
            # A district may keep its province as parent without seeing the province.
            parents = parents | Organization.objects.filter(pk=instance.parent_id)
        parent_field.queryset = parents.order_by("sort_key")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and start > end:
            self.add_error("valid_to", _("Ngày ngừng hoạt động phải sau ngày bắt đầu."))
        return data

    def selected_territory(self) -> AdminUnit | None:
        """The unit currently chosen, to show as the checked option of the picker."""
        value = parse_id(self["territory"].value())
        if value is None:
            return None
        field = self.fields["territory"]
        assert isinstance(field, forms.ModelChoiceField)
        assert field.queryset is not None
        unit: AdminUnit | None = field.queryset.select_related("parent").filter(pk=value).first()
        return unit


class RenameForm(forms.Form):
    new_name = forms.CharField(label=_("Tên mới"), max_length=255)
    effective = DateField(label=_("Có hiệu lực từ ngày"), widget=DATE_WIDGET)


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Mọi loại")), *OrganizationKind.choices]
    )
