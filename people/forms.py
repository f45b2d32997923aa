"""Forms of the person registry and rosters (Vietnamese labels, dd/mm/yyyy dates)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, ModelChoiceField, ModelMultipleChoiceField, parse_id
from core.roles import COMMITTEE, Role
from core.scope import VIEW, has_role, restrict, roles_of, units_in_scope
from geo.models import AdminUnit, Level
from orgs.models import Organization, OrganizationKind
from people.models import (
    ETHNICITY_CHOICES,
    RELIGION_CHOICES,
    Person,
    Roster,
    Sex,
    TheoryLevel,
    TraineeCategory,
)
from people.selectors import PersonFilters
from people.services import PersonData, RosterData

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def owner_choices(user: Any) -> QuerySet[Organization]:
    """Who may own a record the user creates: committees in scope, or a focal point's unit."""
    if has_role(user, COMMITTEE):
        return restrict(Organization.objects.all(), user, VIEW).filter(
            kind=OrganizationKind.COMMITTEE
        )
    if Role.FOCAL_POINT in roles_of(user) and getattr(user, "organization_id", None):
        return Organization.objects.filter(pk=user.organization_id)
    return Organization.objects.none()


def _selected_unit(form: forms.Form, name: str) -> AdminUnit | None:
    value = parse_id(form[name].value())
    if value is None:
        return None
    return AdminUnit.objects.filter(pk=value).select_related("parent").first()


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    sex = forms.ChoiceField(label=_("Giới tính"), required=False, choices=[("", "—"), *Sex.choices])
    birth_date = DateField(label=_("Ngày sinh"), required=False, widget=DATE_WIDGET)
    birth_year = forms.IntegerField(
        label=_("hoặc năm sinh"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Khi không rõ ngày sinh."),
    )
    citizen_id = forms.CharField(label=_("Số CCCD"), max_length=20, required=False)
    ethnicity = forms.ChoiceField(
        label=_("Dân tộc"), required=False, choices=[("", "—"), *ETHNICITY_CHOICES]
    )
    religion = forms.ChoiceField(
        label=_("Tôn giáo"), required=False, choices=[("", "—"), *RELIGION_CHOICES]
    )
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    organization = ModelChoiceField(
        label=_("Cơ quan công tác"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label="—",
    )
    home_unit = ModelChoiceField(
        label=_("Nơi cư trú (xã, thôn)"),
        required=False,
        queryset=AdminUnit.objects.none(),
        error_messages={"invalid_choice": _("Địa bàn không tồn tại hoặc ngoài phạm vi của bạn.")},
    )
    categories = ModelMultipleChoiceField(
        label=_("Đối tượng"),
        required=False,
        queryset=TraineeCategory.objects.filter(is_active=True),
        widget=CHECKBOXES,
    )
    theory_level = forms.ChoiceField(
        label=_("Trình độ lý luận chính trị"), required=False, choices=TheoryLevel.choices
    )
    is_party_member = forms.BooleanField(label=_("Đảng viên"), required=False)
    party_joined_on = DateField(label=_("Ngày vào Đảng"), required=False, widget=DATE_WIDGET)
    owner = ModelChoiceField(label=_("Đơn vị quản lý hồ sơ"), queryset=Organization.objects.none())
    # Set by the page once the likely duplicates were shown and the user chose to go on.
    confirm_new = forms.BooleanField(
        label=_("Vẫn tạo hồ sơ mới"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: Any, person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = owner_choices(user)
        if person is not None:
            owners = Organization.objects.filter(
                Q(pk__in=owners.values("pk")) | Q(pk=person.owner_id)
            )
        _set_queryset(self, "owner", owners.order_by("sort_key"))
        # Keep an employer the editor cannot see, so saving does not drop it.
        kept = Q(pk=person.organization_id) if person and person.organization_id else Q(pk__in=[])
        visible = restrict(Organization.objects.all(), user, VIEW).values("pk")
        _set_queryset(
            self,
            "organization",
            Organization.objects.filter(Q(pk__in=visible) | kept).order_by("sort_key"),
        )
        kept_unit = Q(pk=person.home_unit_id) if person and person.home_unit_id else Q(pk__in=[])
        _set_queryset(
            self,
            "home_unit",
            AdminUnit.objects.filter(Q(pk__in=units_in_scope(user).values("pk")) | kept_unit),
        )
        kept_categories = Q(pk__in=person.categories.values("pk")) if person else Q(pk__in=[])
        _set_queryset(
            self,
            "categories",
            TraineeCategory.objects.filter(Q(is_active=True) | kept_categories),
        )

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        data = PersonData.from_person(person)
        initial: dict[str, Any] = {
            name: getattr(data, name)
            for name in (
                "sex",
                "birth_date",
                "birth_year",
                "ethnicity",
                "religion",
                "citizen_id",
                "phone",
                "email",
                "position",
                "theory_level",
                "is_party_member",
                "party_joined_on",
            )
        }
        if person.birth_date is not None:
            initial["birth_year"] = None
        return initial | {
            "full_name": person.full_name,
            "organization": person.organization_id,
            "home_unit": person.home_unit_id,
            "categories": [c.pk for c in data.categories],
            "owner": person.owner_id,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birth_date, birth_year = data.get("birth_date"), data.get("birth_year")
        if birth_date and birth_year and birth_date.year != birth_year:
            self.add_error("birth_year", _("Năm sinh không khớp với ngày sinh."))
        return data

    def to_data(self) -> PersonData:
        """The service's input (raises ValidationError on the name)."""
        data = self.cleaned_data
        return PersonData.from_full_name(
            data["full_name"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            birth_year=data["birth_year"],
            ethnicity=data["ethnicity"],
            religion=data["religion"],
            citizen_id=data["citizen_id"],
            phone=data["phone"],
            email=data["email"],
            position=data["position"],
            organization=data["organization"],
            home_unit=data["home_unit"],
            categories=list(data["categories"]),
            theory_level=data["theory_level"],
            is_party_member=data["is_party_member"],
            party_joined_on=data["party_joined_on"],
        )

    def selected_home_unit(self) -> AdminUnit | None:
        return _selected_unit(self, "home_unit")


def _unit_filter_options(user: Any) -> list[AdminUnit]:
    territory = user.territory() if hasattr(user, "territory") else None
    if territory is None:  # administrators: the provinces of both maps
        return list(AdminUnit.objects.filter(level=Level.PROVINCE).order_by("edition", "sort_key"))
    return [territory, *territory.children.exclude(level=Level.VILLAGE).order_by("sort_key")[:500]]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm (tên, CCCD, điện thoại)"), required=False, max_length=100)
    category = ModelChoiceField(
        label=_("Đối tượng"),
        required=False,
        queryset=TraineeCategory.objects.all(),
        empty_label=_("Mọi đối tượng"),
    )
    unit = ModelChoiceField(
        label=_("Địa bàn"), required=False, queryset=AdminUnit.objects.all(), empty_label=None
    )
    organization = ModelChoiceField(
        label=_("Cơ quan công tác"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Mọi cơ quan"),
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=[("", _("Nam và nữ")), *Sex.choices]
    )
    ethnicity = forms.ChoiceField(
        label=_("Dân tộc"), required=False, choices=[("", _("Mọi dân tộc")), *ETHNICITY_CHOICES]
    )
    party = forms.ChoiceField(
        label=_("Đảng viên"),
        required=False,
        choices=[("", _("Tất cả")), ("yes", _("Đảng viên")), ("no", _("Chưa là đảng viên"))],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(
            self,
            "organization",
            restrict(Organization.objects.all(), user, VIEW).order_by("sort_key"),
        )
        self.unit_options = _unit_filter_options(user)

    def selected_unit(self) -> AdminUnit | None:
        return _selected_unit(self, "unit")

    def to_filters(self) -> PersonFilters:
        """The selector's filters; invalid parameters are dropped, not fatal."""
        if not self.is_bound:
            return PersonFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def pk(name: str) -> int | None:
            value = data.get(name)
            return value.pk if value is not None else None

        return PersonFilters(
            query=data.get("q") or "",
            category_id=pk("category"),
            unit_id=pk("unit"),
            organization_id=pk("organization"),
            sex=data.get("sex") or "",
            ethnicity=data.get("ethnicity") or "",
            party=data.get("party") or "",
        )


MERGE_CHOICES = [("keep", _("giữ")), ("drop", _("lấy từ hồ sơ kia"))]


class RosterForm(forms.Form):
    name = forms.CharField(label=_("Tên danh sách"), max_length=300)
    owner = ModelChoiceField(label=_("Đơn vị quản lý"), queryset=Organization.objects.none())
    period_start = DateField(label=_("Tính từ ngày"), widget=DATE_WIDGET)
    period_end = DateField(label=_("Đến ngày"), widget=DATE_WIDGET)
    description = forms.CharField(
        label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(
            self,
            "owner",
            restrict(Organization.objects.all(), user, VIEW)
            .filter(kind=OrganizationKind.COMMITTEE)
            .order_by("sort_key"),
        )

    @staticmethod
    def initial_for(roster: Roster) -> dict[str, Any]:
        return {
            "name": roster.name,
            "owner": roster.owner_id,
            "period_start": roster.period_start,
            "period_end": roster.period_end,
            "description": roster.description,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data

    def to_data(self) -> RosterData:
        data = self.cleaned_data
        return RosterData(
            name=data["name"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            description=data["description"],
        )


class RosterAddForm(forms.Form):
    """Who to add: every visible person matching all the chosen criteria."""

    categories = ModelMultipleChoiceField(
        label=_("Đối tượng"),
        required=False,
        queryset=TraineeCategory.objects.all(),
        widget=CHECKBOXES,
    )
    units = ModelMultipleChoiceField(
        label=_("Địa bàn (gồm mọi xã, thôn trực thuộc)"),
        required=False,
        queryset=AdminUnit.objects.none(),
        widget=CHECKBOXES,
    )
    organizations = ModelMultipleChoiceField(
        label=_("Cơ quan công tác"),
        required=False,
        queryset=Organization.objects.none(),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "units", units_in_scope(user).exclude(level=Level.VILLAGE))
        _set_queryset(
            self,
            "organizations",
            restrict(Organization.objects.all(), user, VIEW).order_by("sort_key"),
        )
        self.unit_options = _unit_filter_options(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("categories") or data.get("units") or data.get("organizations")):
            raise forms.ValidationError(
                _("Hãy chọn ít nhất một điều kiện (đối tượng, địa bàn, cơ quan).")
            )
        return data

    def criteria(self) -> dict[str, list[int]]:
        data = self.cleaned_data
        return {
            "category_ids": [c.pk for c in data["categories"]],
            "unit_ids": [u.pk for u in data["units"]],
            "organization_ids": [o.pk for o in data["organizations"]],
        }
