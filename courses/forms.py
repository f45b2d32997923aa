from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, ModelChoiceField, ModelMultipleChoiceField, parse_id
from core.scope import VIEW, restrict, units_in_scope
from courses.html import options
from courses.models import (
    Course,
    CourseKind,
    CourseLevel,
    CourseStatus,
    GuestRole,
    HalfDay,
    SessionKind,
    Topic,
)
from courses.selectors import CourseFilters
from geo.models import AdminUnit, Level, MapEdition
from orgs.models import Organization, OrganizationKind
from people.models import AcademicTitle, Lecturer, TraineeCategory
from planning.models import TrainingPlan

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class TimeWidget(forms.TimeInput):
    """Text "HH:MM": a browser's time input would show 12-hour time in English locales."""

    def __init__(self) -> None:
        super().__init__(format="%H:%M", attrs={"placeholder": "HH:MM", "inputmode": "numeric"})


def _committees(user: Any) -> QuerySet[Organization]:
    return restrict(Organization.objects.all(), user, VIEW).filter(kind=OrganizationKind.COMMITTEE)


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1945, max_value=2100)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Mọi trạng thái")), *CourseStatus.choices],
    )
    level = forms.ChoiceField(
        label=_("Cấp"), required=False, choices=[("", _("Mọi cấp")), *CourseLevel.choices]
    )
    owner = ModelChoiceField(
        label=_("Đơn vị tổ chức"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Mọi đơn vị"),
    )
    topic = ModelChoiceField(
        label=_("Chuyên đề"),
        required=False,
        queryset=Topic.objects.none(),
        empty_label=_("Mọi chuyên đề"),
    )
    lecturer = ModelChoiceField(
        label=_("Báo cáo viên"),
        required=False,
        queryset=Lecturer.objects.none(),
        empty_label=_("Mọi báo cáo viên"),
    )
    unit = ModelChoiceField(
        label=_("Địa bàn"),
        required=False,
        queryset=AdminUnit.objects.exclude(level=Level.VILLAGE),
        empty_label=_("Mọi địa bàn"),
    )
    plan = ModelChoiceField(
        label=_("Kế hoạch"),
        required=False,
        queryset=TrainingPlan.objects.none(),
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", _committees(user).order_by("sort_key"))
        _set_queryset(self, "topic", restrict(Topic.objects.all(), user, VIEW).order_by("sort_key"))
        _set_queryset(
            self,
            "lecturer",
            restrict(Lecturer.objects.all(), user, VIEW)
            .select_related("person")
            .order_by("person__sort_key"),
        )
        _set_queryset(self, "plan", restrict(TrainingPlan.objects.all(), user, VIEW))
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        # Any unit id is accepted (the list is scoped anyway); the drop-down offers
        # the units one level below the user's territory.
        self.unit_options = _unit_options(user)

    # The drop-downs' <option>s, written in Python (courses.html.options): the
    # template spent more on comparing each option with the bound value than on
    # everything else of the page.

    def _raw(self, name: str) -> Any:
        return self[name].value()

    def status_options(self) -> SafeString:
        return options(self._choices("status"), self._raw("status"))

    def level_options(self) -> SafeString:
        return options(self._choices("level"), self._raw("level"))

    def owner_options(self) -> SafeString:
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        queryset = field.queryset.values_list("pk", "name")  # type: ignore[union-attr]
        return options([("", str(field.empty_label)), *queryset], self._raw("owner"))

    def unit_options_html(self) -> SafeString:
        return options([("", _("Mọi địa bàn")), *self.unit_options], self._raw("unit"))

    def _choices(self, name: str) -> list[tuple[Any, Any]]:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return list(field.choices)  # type: ignore[arg-type]

    def _selected(self, name: str) -> Any:
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get(name)

    def selected_topic(self) -> Topic | None:
        topic: Topic | None = self._selected("topic")
        return topic

    def selected_lecturer(self) -> Lecturer | None:
        lecturer: Lecturer | None = self._selected("lecturer")
        return lecturer

    def to_filters(self) -> CourseFilters:
        """The selector's filters; invalid parameters are dropped, not fatal."""
        if not self.is_bound:
            return CourseFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def pk(name: str) -> int | None:
            value = data.get(name)
            return value.pk if value is not None else None

        return CourseFilters(
            query=data.get("q") or "",
            year=data.get("year"),
            status=data.get("status") or "",
            level=data.get("level") or "",
            owner_id=pk("owner"),
            unit_id=pk("unit"),
            topic_id=pk("topic"),
            lecturer_id=pk("lecturer"),
            plan_id=pk("plan"),
        )


def _unit_options(user: Any) -> list[tuple[int, str]]:
    """(id, label) of the units offered, read as plain values: the label is
    AdminUnit.__str__ (an old-map unit is marked "(cũ)") without building models."""
    territory = user.territory() if hasattr(user, "territory") else None
    if territory is None:  # administrators: the provinces of both maps
        units = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("edition", "sort_key")
    else:
        units = territory.children.exclude(level=Level.VILLAGE).order_by("sort_key")[:500]
    legacy = str(_("cũ"))
    return [
        (pk, f"{name} ({legacy})" if edition == MapEdition.LEGACY else name)
        for pk, name, edition in units.values_list("pk", "name", "edition")
    ]


class CourseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại lớp"), choices=CourseKind.choices)
    title = forms.CharField(label=_("Tên lớp"), max_length=300)
    owner = ModelChoiceField(label=_("Đơn vị tổ chức"), queryset=Organization.objects.none())
    co_organizers = ModelMultipleChoiceField(
        label=_("Đơn vị phối hợp"), required=False, queryset=Organization.objects.none()
    )
    plan = ModelChoiceField(
        label=_("Thuộc kế hoạch"), required=False, queryset=TrainingPlan.objects.none()
    )
    level = forms.ChoiceField(
        label=_("Cấp"),
        required=False,
        choices=[("", _("Theo đơn vị tổ chức")), *CourseLevel.choices],
    )
    start_date = DateField(label=_("Ngày bắt đầu"), widget=DATE_WIDGET)
    end_date = DateField(label=_("Ngày kết thúc"), widget=DATE_WIDGET)
    venue = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    venue_unit = ModelChoiceField(
        label=_("Địa bàn tổ chức"),
        required=False,
        queryset=AdminUnit.objects.none(),
        error_messages={"invalid_choice": _("Địa bàn không tồn tại hoặc ngoài phạm vi của bạn.")},
    )
    capacity = forms.IntegerField(
        label=_("Số học viên dự kiến"), min_value=0, max_value=1_000_000, initial=0
    )
    trainee_count = forms.IntegerField(
        label=_("Số học viên thực tế"), min_value=0, max_value=1_000_000, required=False
    )
    audience = ModelMultipleChoiceField(
        label=_("Đối tượng"),
        required=False,
        queryset=TraineeCategory.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    catchment_units = ModelMultipleChoiceField(
        label=_("Địa bàn học viên (lớp cụm)"),
        required=False,
        queryset=AdminUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self, *args: Any, user: Any, instance: Course | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", _committees(user).order_by("sort_key"))
        # Links the editor cannot see (the province's plan, the province Front as
        # co-organiser) stay offered, so saving does not silently drop them.
        kept_orgs = Q(pk__in=instance.co_organizers.values("pk")) if instance else Q(pk__in=[])
        kept_plan = Q(pk=instance.plan_id) if instance and instance.plan_id else Q(pk__in=[])
        visible_orgs = restrict(Organization.objects.all(), user, VIEW).values("pk")
        _set_queryset(
            self,
            "co_organizers",
            Organization.objects.filter(Q(pk__in=visible_orgs) | kept_orgs).order_by("sort_key"),
        )
        visible_plans = restrict(TrainingPlan.objects.all(), user, VIEW).values("pk")
        _set_queryset(
            self, "plan", TrainingPlan.objects.filter(Q(pk__in=visible_plans) | kept_plan)
        )
        in_scope = units_in_scope(user).exclude(level=Level.VILLAGE)
        _set_queryset(self, "venue_unit", in_scope)
        _set_queryset(self, "catchment_units", in_scope)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data

    def catchment_choices(self) -> QuerySet[AdminUnit]:
        """Units offered as checkboxes: the owner's territory's children (and those chosen)."""
        owner = parse_id(self.data.get("owner") or self.initial.get("owner"))
        units = AdminUnit.objects.none()
        organization = (
            Organization.objects.filter(pk=owner).select_related("territory").first()
            if owner is not None
            else None
        )
        if organization is not None:
            units = organization.territory.children.exclude(level=Level.VILLAGE)
        chosen = self["catchment_units"].value() or []
        return (
            units
            | AdminUnit.objects.filter(pk__in=[i for i in map(parse_id, chosen) if i is not None])
        ).order_by("sort_key")

    def selected_venue_unit(self) -> AdminUnit | None:
        value = parse_id(self["venue_unit"].value())
        if value is None:
            return None
        return AdminUnit.objects.filter(pk=value).select_related("parent").first()


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Chuyển sang"), choices=CourseStatus.choices)
    reason = forms.CharField(
        label=_("Lý do / ghi chú"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloneForm(forms.Form):
    start_date = DateField(label=_("Ngày bắt đầu của lớp mới"), widget=DATE_WIDGET)


class SessionForm(forms.Form):
    date = DateField(label=_("Ngày"), widget=DATE_WIDGET)
    half_day = forms.ChoiceField(label=_("Buổi"), choices=HalfDay.choices)
    start_time = forms.TimeField(label=_("Từ giờ"), required=False, widget=TimeWidget())
    end_time = forms.TimeField(label=_("Đến giờ"), required=False, widget=TimeWidget())
    kind = forms.ChoiceField(
        label=_("Nội dung"), choices=SessionKind.choices, initial=SessionKind.LECTURE
    )
    topic = ModelChoiceField(label=_("Chuyên đề"), required=False, queryset=Topic.objects.none())
    title = forms.CharField(
        label=_("Tiêu đề (nếu khác tên chuyên đề)"), required=False, max_length=300
    )
    room = forms.CharField(label=_("Phòng học"), required=False, max_length=120)
    lecturers = ModelMultipleChoiceField(
        label=_("Báo cáo viên"), required=False, queryset=Lecturer.objects.none()
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "topic", restrict(Topic.objects.all(), user, VIEW).order_by("sort_key"))
        _set_queryset(
            self,
            "lecturers",
            restrict(Lecturer.objects.all(), user, VIEW)
            .select_related("person")
            .order_by("person__sort_key"),
        )


class GuestForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    title = forms.CharField(label=_("Chức vụ"), max_length=300)
    organization = forms.CharField(label=_("Cơ quan"), max_length=300, required=False)
    attends = forms.ChoiceField(label=_("Tham dự"), choices=GuestRole.choices)
    gives_opening_speech = forms.BooleanField(label=_("Phát biểu khai giảng"), required=False)
    gives_closing_speech = forms.BooleanField(label=_("Phát biểu bế giảng"), required=False)


class TopicForm(forms.Form):
    owner = ModelChoiceField(label=_("Đơn vị"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Tên chuyên đề"), max_length=300)
    summary = forms.CharField(
        label=_("Tóm tắt"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.CharField(
        label=_("Từ khoá (cách nhau bằng dấu phẩy)"), required=False, max_length=300
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", _committees(user).order_by("sort_key"))


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Tên tài liệu"), max_length=200)
    file = forms.FileField(label=_("Tệp (PDF, Word, PowerPoint; tối đa 20 MB)"))


class LecturerForm(forms.Form):
    owner = ModelChoiceField(label=_("Đơn vị quản lý"), queryset=Organization.objects.none())
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    academic_title = forms.ChoiceField(
        label=_("Học hàm, học vị"), required=False, choices=AcademicTitle.choices
    )
    position = forms.CharField(label=_("Chức vụ, nơi công tác"), required=False, max_length=200)
    organization = ModelChoiceField(
        label=_("Cơ quan (trong hệ thống)"), required=False, queryset=Organization.objects.none()
    )
    phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=20)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    topics = ModelMultipleChoiceField(
        label=_("Chuyên đề giảng dạy"), required=False, queryset=Topic.objects.none()
    )

    def __init__(
        self, *args: Any, user: Any, instance: Lecturer | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", _committees(user).order_by("sort_key"))
        kept = instance.person.organization_id if instance else None
        visible = restrict(Organization.objects.all(), user, VIEW).values("pk")
        _set_queryset(
            self,
            "organization",
            Organization.objects.filter(Q(pk__in=visible) | Q(pk=kept)).order_by("sort_key"),
        )
        _set_queryset(
            self, "topics", restrict(Topic.objects.all(), user, VIEW).order_by("sort_key")
        )
