from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, ModelChoiceField
from core.scope import VIEW, restrict
from orgs.models import Organization, OrganizationKind
from people.models import TraineeCategory

# Trainee counts: generous for a national plan, far below the database's limit.
MAX_PEOPLE = 10_000_000

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class PlanForm(forms.Form):
    issuer = ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Organization.objects.none())
    number = forms.CharField(label=_("Số"), max_length=20)
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=40, help_text=_("Ví dụ: KH/BDVTU"))
    year = forms.IntegerField(label=_("Năm"), min_value=1945, max_value=2100)
    issue_date = DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET)
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    classes_target = forms.IntegerField(
        label=_("Số lớp kế hoạch"), min_value=0, max_value=100_000, initial=0
    )
    budget = forms.DecimalField(
        label=_("Kinh phí (đồng)"), required=False, min_value=0, max_digits=15, decimal_places=0
    )
    attachment = forms.FileField(label=_("Văn bản đính kèm (PDF, Word)"), required=False)
    notes = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_total = forms.IntegerField(
        label=_("Tổng số học viên"), min_value=0, max_value=MAX_PEOPLE, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuer = self.fields["issuer"]
        assert isinstance(issuer, forms.ModelChoiceField)
        issuer.queryset = restrict(Organization.objects.all(), user, VIEW).filter(
            kind=OrganizationKind.COMMITTEE
        )
        self.categories = list(TraineeCategory.objects.filter(is_active=True))
        for category in self.categories:
            self.fields[f"target_{category.pk}"] = forms.IntegerField(
                label=category.name, min_value=0, max_value=MAX_PEOPLE, required=False
            )

    def category_fields(self) -> list[forms.BoundField]:
        return [self[f"target_{c.pk}"] for c in self.categories]

    def targets(self) -> list[tuple[TraineeCategory | None, int]]:
        data = self.cleaned_data
        rows: list[tuple[TraineeCategory | None, int]] = [
            (c, data[f"target_{c.pk}"]) for c in self.categories if data.get(f"target_{c.pk}")
        ]
        if data.get("target_total"):
            rows.append((None, data["target_total"]))
        return rows
