"""Forms of the statistics pages: the filter (kept in the URL) and the report's particulars."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, ModelChoiceField
from core.scope import VIEW, restrict, units_in_scope
from courses.models import CourseKind, CourseLevel
from geo.models import AdminUnit, Level
from orgs.models import Organization, OrganizationKind
from people.models import TraineeCategory
from stats import selectors
from stats.selectors import StatsFilter

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
MAP_CHOICES = [("today", _("Bản đồ hiện nay")), ("then", _("Bản đồ tại thời điểm mở lớp"))]


def territory_options(user: Any) -> QuerySet[AdminUnit]:
    """Territories a user may read statistics for: their own and the units below it
    down to districts (communes for a district or commune user), old units included."""
    territory = selectors.user_territory(user)
    levels = [Level.COUNTRY, Level.PROVINCE, Level.DISTRICT]
    if territory is not None and territory.level in (Level.DISTRICT, Level.COMMUNE):
        levels.append(Level.COMMUNE)
    return units_in_scope(user).filter(level__in=levels).order_by("edition", "sort_key")


class StatsFilterForm(forms.Form):
    """Period, territory, map and narrowing filters; every page reads it from GET."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1945, max_value=2100)
    start = DateField(label=_("Từ ngày"), required=False, widget=DATE_WIDGET)
    end = DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)
    territory = ModelChoiceField(
        label=_("Địa bàn"),
        required=False,
        queryset=AdminUnit.objects.none(),
        empty_label=_("Toàn bộ địa bàn được giao"),
    )
    map = forms.ChoiceField(label=_("Đọc theo"), required=False, choices=MAP_CHOICES)
    level = forms.ChoiceField(
        label=_("Cấp tổ chức"), required=False, choices=[("", _("Mọi cấp")), *CourseLevel.choices]
    )
    kind = forms.ChoiceField(
        label=_("Loại lớp"), required=False, choices=[("", _("Mọi loại lớp")), *CourseKind.choices]
    )
    organiser = ModelChoiceField(
        label=_("Đơn vị tổ chức"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Mọi đơn vị"),
    )
    category = ModelChoiceField(
        label=_("Đối tượng"),
        required=False,
        queryset=TraineeCategory.objects.all(),
        empty_label=_("Mọi đối tượng"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        territory = self.fields["territory"]
        assert isinstance(territory, forms.ModelChoiceField)
        territory.queryset = territory_options(user)
        organiser = self.fields["organiser"]
        assert isinstance(organiser, forms.ModelChoiceField)
        organiser.queryset = (
            restrict(Organization.objects.all(), user, VIEW)
            .filter(kind=OrganizationKind.COMMITTEE)
            .order_by("sort_key")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned

    def to_filter(self) -> StatsFilter:
        """The filter the page shows; an invalid field falls back to its default
        (the form shows the error beside it)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if self.is_bound and not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        params = {k: v for k, v in data.items() if v not in (None, "")}
        if not params.get("year") and not params.get("start") and not params.get("end"):
            params["year"] = timezone.localdate().year
        return selectors.stats_filter_for(self.user, **params)


class ReportForm(forms.Form):
    """The particulars of the official report that the figures do not give."""

    form_of = forms.ChoiceField(
        label=_("Thể thức"),
        choices=[
            ("state", _("Văn bản hành chính (Nghị định 30/2020/NĐ-CP)")),
            ("party", _("Văn bản của Đảng (Hướng dẫn 36-HD/VPTW)")),
        ],
        initial="state",
        required=False,
    )
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    number = forms.CharField(
        label=_("Số"), max_length=20, required=False, help_text=_("Để trống khi chưa lấy số.")
    )
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=40, initial="BC/BDV")
    place = forms.CharField(label=_("Địa danh"), max_length=100)
    date = DateField(label=_("Ngày báo cáo"), widget=DATE_WIDGET)
    signer_authority = forms.CharField(
        label=_("Thẩm quyền ký"),
        max_length=100,
        required=False,
        help_text=_("Ví dụ: KT. TRƯỞNG BAN; để trống khi người đứng đầu ký."),
    )
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"), max_length=100, initial="TRƯỞNG BAN"
    )
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=100, required=False)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một nơi nhận."),
    )
    assessment = forms.CharField(
        label=_("Nhận xét, đánh giá"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    directions = forms.CharField(
        label=_("Phương hướng, nhiệm vụ thời gian tới"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @staticmethod
    def defaults(user: Any, f: StatsFilter) -> dict[str, Any]:
        organization = getattr(user, "organization", None)
        end = min(f.end, timezone.localdate())
        issuer = organization.name_on(end) if organization is not None else ""
        place = ""
        if organization is not None and organization.territory is not None:
            place = organization.territory.short_name
        return {
            "form_of": "state",
            "issuer": issuer,
            "symbol": "BC/BDV",
            "place": place,
            "date": timezone.localdate(),
            "signer_title": "TRƯỞNG BAN",
            "recipients": "\n".join(
                [
                    str(_("Ban Tuyên giáo và Dân vận cấp trên (để báo cáo)")),
                    str(_("Thường trực cấp ủy (để báo cáo)")),
                    str(_("Lưu: VT")),
                ]
            ),
        }

    def recipient_lines(self) -> list[str]:
        text: str = self.cleaned_data.get("recipients", "")
        return [line.strip(" -;") for line in text.splitlines() if line.strip(" -;")]


def filter_query(f: StatsFilter) -> str:
    """The query string that reproduces `f` (for links between statistics pages)."""
    from urllib.parse import urlencode

    params: dict[str, Any] = {
        "start": f.start.strftime("%d/%m/%Y"),
        "end": f.end.strftime("%d/%m/%Y"),
        "map": f.map,
    }
    for key, value in (
        ("territory", f.territory.pk if f.territory else None),
        ("level", f.level),
        ("kind", f.kind),
        ("organiser", f.organiser_id),
        ("category", f.category_id),
    ):
        if value:
            params[key] = value
    return urlencode(params)


def period_label(f: StatsFilter) -> str:
    """ "năm 2017" for a calendar year, else "từ 01/03/2017 đến 30/06/2017"."""
    if (f.start.month, f.start.day, f.end.month, f.end.day) == (1, 1, 12, 31):
        if f.start.year == f.end.year:
            return str(_("năm %(year)d")) % {"year": f.start.year}
        return str(_("các năm %(start)d – %(end)d")) % {"start": f.start.year, "end": f.end.year}
    return str(_("từ %(start)s đến %(end)s")) % {
        "start": f.start.strftime("%d/%m/%Y"),
        "end": f.end.strftime("%d/%m/%Y"),
    }
