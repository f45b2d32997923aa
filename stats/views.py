"""Statistics pages: dashboard, breakdowns, lecturer load, roster coverage, the results report.

Every page reads its filter from the query string (a GET form), so a link or a
bookmark reproduces it, and every table has an .xlsx twin at the same filter.
The numbers come from `stats.selectors` (scoped for the user); only committee
users read statistics.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.forms import parse_id
from core.pagination import paginate
from core.roles import COMMITTEE
from core.scope import get_for_user, require_role, territory_allowed
from courses.xlsx import CellValue, write_table
from geo.models import AdminUnit
from people.models import Roster
from stats import charts, report, report_documents, selectors
from stats.forms import ReportForm, StatsFilterForm, filter_query, period_label
from stats.selectors import StatsFilter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Breakdown dimensions offered on the pages, in menu order, with their column title.
DIMENSIONS: dict[str, Any] = {
    "category": gettext_lazy("Đối tượng"),
    "unit": gettext_lazy("Địa bàn"),
    "level": gettext_lazy("Cấp tổ chức"),
    "kind": gettext_lazy("Loại lớp"),
    "sex": gettext_lazy("Giới tính"),
    "ethnicity": gettext_lazy("Dân tộc"),
    "religion": gettext_lazy("Tôn giáo"),
    "age_band": gettext_lazy("Độ tuổi"),
    "theory_level": gettext_lazy("Trình độ lý luận chính trị"),
    "topic": gettext_lazy("Chuyên đề"),
    "lecturer": gettext_lazy("Báo cáo viên"),
}


def _dimension_label(by: str) -> str:
    return str(DIMENSIONS[by])


def _filter(request: HttpRequest, *, this_year: bool = True) -> tuple[StatsFilterForm, StatsFilter]:
    require_role(request.user, COMMITTEE)
    data = request.GET.copy()
    if this_year and not any(data.get(key) for key in ("year", "start", "end")):
        # No period chosen: this year, shown in the year box as well.
        data["year"] = str(timezone.localdate().year)
    form = StatsFilterForm(data, user=request.user)
    return form, form.to_filter()


def _download(
    content: bytes, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["Cache-Control"] = "private, no-store"
    return response


def _context(form: StatsFilterForm, f: StatsFilter, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "f": f,
        "query": filter_query(f),
        # The same filter without its territory: links that narrow to one unit.
        "query_all_units": filter_query(replace(f, territory=None)),
        "period": period_label(f),
        "dimensions": [(key, _dimension_label(key)) for key in DIMENSIONS],
        **extra,
    }


def _slug(f: StatsFilter) -> str:
    if f.start.year == f.end.year:
        return str(f.start.year)
    return f"{f.start:%Y%m%d}-{f.end:%Y%m%d}"


# --- dashboard ---------------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, f = _filter(request)
    user = request.user
    total = selectors.summary(user, f)
    years = report.trimmed_years(selectors.by_year(user, report.years_filter(f)))
    categories = selectors.breakdown(user, f, "category")
    units = selectors.breakdown(user, f, "unit")
    levels = selectors.breakdown(user, f, "level")
    context = _context(
        form,
        f,
        total=total,
        targets=report.category_targets(user, f),
        years=years,
        record=next((r for r in years if r.is_record), None),
        categories=categories,
        units=units,
        levels=levels,
        year_chart=report.year_chart(years, _("Số cán bộ được bồi dưỡng qua các năm")),
        category_chart=report.breakdown_chart(categories, _("Học viên theo đối tượng")),
        unit_chart=report.breakdown_chart(units, _("Học viên theo địa bàn")),
    )
    return render(request, "stats/dashboard.html", context)


@require_GET
def years_xlsx(request: HttpRequest) -> HttpResponse:
    _form, f = _filter(request)
    years = report.trimmed_years(selectors.by_year(request.user, report.years_filter(f)))
    headers = [
        _("Năm"),
        _("Số lớp"),
        _("Số người"),
        _("Lượt người"),
        _("Hoàn thành"),
        _("Năm cao nhất"),
    ]
    rows: list[list[CellValue]] = [
        [
            r.year,
            r.classes,
            r.trainees,
            r.person_times,
            r.completions,
            _("Có") if r.is_record else "",
        ]
        for r in years
    ]
    content = write_table(
        headers, rows, sheet_title=_("Qua các năm"), widths=(10, 10, 10, 12, 12, 14)
    )
    return _download(content, XLSX_TYPE, f"thong-ke-qua-cac-nam-{f.end.year}.xlsx")


@require_GET
def plans_xlsx(request: HttpRequest) -> HttpResponse:
    """Plans against what was held: one line per plan, then one per category target."""
    _form, f = _filter(request)
    total = selectors.summary(request.user, f)
    headers = [
        _("Kế hoạch"),
        _("Năm"),
        _("Lớp theo kế hoạch"),
        _("Lớp đã mở"),
        _("Chỉ tiêu học viên"),
        _("Đạt"),
    ]
    rows: list[list[CellValue]] = [
        [
            f"{p.reference} – {p.title}",
            p.year,
            p.classes_target,
            p.classes_held,
            p.trainees_target,
            p.trainees_actual,
        ]
        for p in total.plans
    ]
    rows += [
        [_("Đối tượng: %(name)s") % {"name": t.category}, None, None, None, t.target, t.actual]
        for t in report.category_targets(request.user, f)
    ]
    content = write_table(headers, rows, sheet_title=_("Kế hoạch"), widths=(60, 8, 12, 10, 12, 10))
    return _download(content, XLSX_TYPE, f"ke-hoach-va-thuc-hien-{_slug(f)}.xlsx")


# --- breakdowns --------------------------------------------------------------------------


def _dimension(request: HttpRequest) -> str:
    by = request.GET.get("by", "category")
    return by if by in DIMENSIONS else "category"


@require_GET
def breakdown(request: HttpRequest) -> HttpResponse:
    form, f = _filter(request)
    by = _dimension(request)
    rows = selectors.breakdown(request.user, f, by)
    label = _dimension_label(by)
    context = _context(
        form,
        f,
        by=by,
        label=label,
        rows=rows,
        chart=report.breakdown_chart(rows, _("Học viên theo %(what)s") % {"what": label.lower()}),
        overlapping=by in {"category", "topic", "lecturer"},
        unit_drill=by == "unit",
    )
    return render(request, "stats/breakdown.html", context)


@require_GET
def breakdown_xlsx(request: HttpRequest) -> HttpResponse:
    _form, f = _filter(request)
    by = _dimension(request)
    rows = selectors.breakdown(request.user, f, by)
    headers = [
        _dimension_label(by),
        _("Số lớp"),
        _("Số người"),
        _("Lượt người"),
        _("Hoàn thành"),
        _("Tỉ lệ hoàn thành (%)"),
    ]
    table: list[list[CellValue]] = [
        [r.label, r.classes, r.trainees, r.person_times, r.completions, r.completion_rate]
        for r in rows
    ]
    content = write_table(
        headers, table, sheet_title=_dimension_label(by), widths=(44, 10, 10, 12, 12, 14)
    )
    return _download(content, XLSX_TYPE, f"thong-ke-{by.replace('_', '-')}-{_slug(f)}.xlsx")


# --- lecturers ---------------------------------------------------------------------------


@require_GET
def lecturers(request: HttpRequest) -> HttpResponse:
    form, f = _filter(request)
    rows = selectors.lecturer_load(request.user, f)
    chart = charts.hbar_chart(
        _("Số giờ giảng theo báo cáo viên"),
        [charts.point(r.name, r.hours) for r in rows],
        empty=_("Chưa có số liệu."),
    )
    context = _context(form, f, rows=rows, chart=chart, half_day_hours=selectors.HALF_DAY_HOURS)
    return render(request, "stats/lecturers.html", context)


@require_GET
def lecturers_xlsx(request: HttpRequest) -> HttpResponse:
    _form, f = _filter(request)
    rows = selectors.lecturer_load(request.user, f)
    headers = [_("Báo cáo viên"), _("Số lớp"), _("Số buổi"), _("Số giờ"), _("Chuyên đề")]
    table: list[list[CellValue]] = [
        [r.name, r.classes, r.sessions, r.hours, "; ".join(r.topics)] for r in rows
    ]
    content = write_table(
        headers, table, sheet_title=_("Báo cáo viên"), widths=(36, 10, 10, 10, 80)
    )
    return _download(content, XLSX_TYPE, f"bao-cao-vien-{_slug(f)}.xlsx")


# --- roster coverage ---------------------------------------------------------------------


def _roster(request: HttpRequest, roster_pk: int) -> Roster:
    return get_for_user(
        Roster.objects.select_related("owner", "owner__territory"), request.user, roster_pk
    )


def _roster_filter(request: HttpRequest, roster: Roster) -> tuple[StatsFilterForm, StatsFilter]:
    """The page's filter; without dates in the URL, the roster's own period."""
    form, f = _filter(request, this_year=False)
    if not any(request.GET.get(k) for k in ("year", "start", "end")):
        f = replace(f, start=roster.period_start, end=roster.period_end)
    return form, f


def _drill_unit(request: HttpRequest) -> AdminUnit | None:
    pk = parse_id(request.GET.get("unit"))
    if pk is None:
        return None
    unit = AdminUnit.objects.filter(pk=pk).first()
    # A unit outside the user's territory narrows nothing (and names nothing).
    return unit if unit is not None and territory_allowed(request.user, unit) else None


def _with_untrained(row: Any) -> dict[str, Any]:
    """A coverage row as the template reads it, with the number still to train."""
    return {
        "unit_id": row.unit_id,
        "name": row.name,
        "members": row.members,
        "enrolled": row.enrolled,
        "completed": row.completed,
        "percent": row.percent,
        "untrained": row.members - row.completed,
    }


@require_GET
def roster_coverage(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = _roster(request, roster_pk)
    form, f = _roster_filter(request, roster)
    rows, total = selectors.roster_coverage(request.user, roster, f)
    unit = _drill_unit(request)
    untrained = paginate(request, selectors.roster_untrained(request.user, roster, f, unit))
    chart = charts.hbar_chart(
        _("Tỉ lệ đã bồi dưỡng theo địa bàn"),
        [
            charts.point(r.name or _("(chưa rõ địa bàn)"), r.completed, r.members - r.completed)
            for r in rows
        ],
        series=[_("Đã hoàn thành"), _("Chưa được bồi dưỡng")],
        empty=_("Danh sách chưa có ai."),
    )
    context = _context(
        form,
        f,
        roster=roster,
        rows=[_with_untrained(r) for r in rows],
        total=_with_untrained(total),
        unit=unit,
        page=untrained,
        chart=chart,
    )
    return render(request, "stats/roster_coverage.html", context)


@require_GET
def roster_coverage_xlsx(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = _roster(request, roster_pk)
    _form, f = _roster_filter(request, roster)
    rows, total = selectors.roster_coverage(request.user, roster, f)
    headers = [
        _("Địa bàn"),
        _("Số người trong danh sách"),
        _("Đã được cử học"),
        _("Đã hoàn thành"),
        _("Tỉ lệ hoàn thành (%)"),
        _("Chưa được bồi dưỡng"),
    ]
    table: list[list[CellValue]] = [
        [
            r.name or _("(chưa rõ địa bàn)"),
            r.members,
            r.enrolled,
            r.completed,
            r.percent,
            r.members - r.completed,
        ]
        for r in [*rows, total]
    ]
    table[-1][0] = _("Tổng cộng")
    content = write_table(headers, table, sheet_title=roster.name, widths=(40, 14, 14, 14, 14, 14))
    return _download(content, XLSX_TYPE, f"ti-le-boi-duong-{roster.pk}-{_slug(f)}.xlsx")


@require_GET
def roster_untrained_xlsx(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = _roster(request, roster_pk)
    _form, f = _roster_filter(request, roster)
    members = selectors.roster_untrained(
        request.user, roster, f, _drill_unit(request)
    ).select_related("person__organization")
    headers = [
        _("Họ và tên"),
        _("Ngày/năm sinh"),
        _("Chức vụ"),
        _("Cơ quan công tác"),
        _("Địa bàn"),
        _("Đã được cử học"),
    ]
    table: list[list[CellValue]] = [
        [
            m.person.full_name,
            m.person.birth_display,
            m.person.position,
            str(m.person.organization) if m.person.organization else "",
            m.unit.name if m.unit else "",
            _("Có") if m.is_enrolled else "",  # type: ignore[attr-defined]
        ]
        for m in members.iterator(chunk_size=1000)
    ]
    content = write_table(
        headers, table, sheet_title=_("Chưa được bồi dưỡng"), widths=(28, 12, 24, 30, 30, 12)
    )
    return _download(content, XLSX_TYPE, f"chua-boi-duong-{roster.pk}-{_slug(f)}.xlsx")


# --- the results report ------------------------------------------------------------------


def _filter_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The filter's parameters, carried by the report form as hidden inputs."""
    return [(k, request.GET[k]) for k in StatsFilterForm.base_fields if request.GET.get(k)]


def _report_form(request: HttpRequest, f: StatsFilter) -> ReportForm:
    defaults = ReportForm.defaults(request.user, f)
    if "issuer" in request.GET:
        return ReportForm(request.GET, initial=defaults)
    return ReportForm(initial=defaults)


def _meta(form: ReportForm) -> report.ReportMeta:
    data = form.cleaned_data
    return report.ReportMeta(
        issuer=data["issuer"],
        number=data["number"],
        symbol=data["symbol"],
        place=data["place"],
        date=data["date"],
        signer_title=data["signer_title"],
        signer_name=data["signer_name"],
        recipients=form.recipient_lines(),
        signer_authority=data["signer_authority"],
        assessment=data["assessment"],
        directions=data["directions"],
        party=data["form_of"] == "party",
    )


@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    form, f = _filter(request)
    report_form = _report_form(request, f)
    total = selectors.summary(request.user, f)
    context = _context(
        form, f, report_form=report_form, total=total, filter_fields=_filter_fields(request)
    )
    return render(request, "stats/report.html", context)


@require_GET
def report_download(request: HttpRequest) -> HttpResponse:
    form, f = _filter(request)
    report_form = _report_form(request, f)
    if not report_form.is_bound:
        # Opened without the form: a draft with the defaults, to complete in Word.
        d = ReportForm.defaults(request.user, f)
        report_form = ReportForm(
            {
                **d,
                "date": d["date"].strftime("%d/%m/%Y"),
                "place": d["place"] or "……",
                "issuer": d["issuer"] or "……",
            }
        )
    if not report_form.is_valid():
        total = selectors.summary(request.user, f)
        context = _context(
            form, f, report_form=report_form, total=total, filter_fields=_filter_fields(request)
        )
        return render(request, "stats/report.html", context, status=400)
    document = report.build_report(request.user, f, _meta(report_form))
    as_pdf = request.GET.get("format") == "pdf"
    name = f"bao-cao-ket-qua-boi-duong-{_slug(f)}"
    if as_pdf:
        return _download(
            report_documents.report_pdf(document), "application/pdf", f"{name}.pdf", inline=True
        )
    return _download(report_documents.report_docx(document), DOCX_TYPE, f"{name}.docx")
