from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from geo.models import VILLAGE_TYPES, Level, MapEdition


class UnitSearchForm(forms.Form):
    # Length and content are checked by the selector, which says what is wrong.
    q = forms.CharField(label=_("Tìm đơn vị"), required=False, strip=False)
    edition = forms.ChoiceField(
        label=_("Bản đồ"), required=False, choices=[("", _("Cả hai bản đồ")), *MapEdition.choices]
    )
    level = forms.ChoiceField(
        label=_("Cấp"), required=False, choices=[("", _("Mọi cấp")), *Level.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Control characters (NUL included) are dropped by the search itself.
        self.fields["q"].validators = []


class VillageForm(forms.Form):
    unit_type = forms.ChoiceField(
        label=_("Loại"), choices=[(t, t) for t in VILLAGE_TYPES], initial="Thôn"
    )
    name = forms.CharField(label=_("Tên"), max_length=120)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not any(ch.isalnum() for ch in name):
            raise forms.ValidationError(_("Tên thôn/khu phố phải có chữ hoặc số."))
        return name
