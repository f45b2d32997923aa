"""Pages of target rosters: list, create, edit, members, coverage and exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_failure, parse_id
from core.pagination import paginate
from core.roles import COMMITTEE
from core.scope import (
    CHANGE,
    get_for_user,
    may_change,
    require_role,
)
from courses.xlsx import CellValue, write_table
from people import selectors, services
from people.forms import RosterAddForm, RosterForm
from people.models import Roster
from people.views import xlsx_response

# --- rosters --------------------------------------------------------------------------


@require_GET
def roster_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    query = request.GET.get("q", "")[:100]
    context = {
        "page": paginate(request, selectors.roster_list(user=request.user, query=query)),
        "query": query,
    }
    return render(request, "people/roster_list.html", context)


@require_http_methods(["GET", "POST"])
def roster_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    today = timezone.localdate()
    initial = {
        "owner": getattr(request.user, "organization_id", None),
        "period_start": today.replace(month=1, day=1),
        "period_end": today.replace(month=12, day=31),
    }
    form = RosterForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            roster = services.roster_create(
                actor=request.user, owner=form.cleaned_data["owner"], data=form.to_data()
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã tạo danh sách."))
            return redirect(roster)
    context = {
        "form": form,
        "title": _("Tạo danh sách đối tượng cần bồi dưỡng"),
        "submit": _("Lưu"),
        "cancel_url": reverse("people:roster_list"),
    }
    return render(request, "courses/simple_form.html", context)


@require_http_methods(["GET", "POST"])
def roster_edit(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = get_for_user(Roster.objects, request.user, roster_pk, CHANGE)
    form = RosterForm(
        request.POST or None, initial=RosterForm.initial_for(roster), user=request.user
    )
    form.fields["owner"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_update(actor=request.user, roster=roster, data=form.to_data())
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã lưu danh sách."))
            return redirect(roster)
    context = {
        "form": form,
        "title": _("Sửa danh sách"),
        "submit": _("Lưu"),
        "cancel_url": roster.get_absolute_url(),
    }
    return render(request, "courses/simple_form.html", context)


@require_GET
def roster_detail(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = get_for_user(Roster.objects.select_related("owner"), request.user, roster_pk)
    query = request.GET.get("q", "")[:100]
    page = paginate(request, selectors.roster_members(roster, query=query))
    context = {
        "roster": roster,
        "page": page,
        "query": query,
        "total": roster.memberships.count(),
        "can_change": may_change(request.user, roster),
        "import_url": _import_url(roster),
    }
    return render(request, "people/roster_detail.html", context)


def _import_url(roster: Roster) -> str:
    """The importer's page for this roster."""
    return f"{reverse('ingest:job_create')}?kind=roster&roster={roster.pk}"


@require_http_methods(["GET", "POST"])
def roster_add(request: HttpRequest, roster_pk: int) -> HttpResponse:
    """Choose people by category, unit and employer; preview the count; add them."""
    roster = get_for_user(Roster.objects.select_related("owner"), request.user, roster_pk, CHANGE)
    bound = request.method == "POST" or "preview" in request.GET
    form = RosterAddForm((request.POST or request.GET) if bound else None, user=request.user)
    preview: dict[str, int] | None = None
    if bound and form.is_valid():
        candidates = selectors.roster_candidates(user=request.user, **form.criteria())
        if request.method == "POST":
            added = services.roster_add_people(actor=request.user, roster=roster, people=candidates)
            messages.success(request, _("Đã thêm %(n)s người vào danh sách.") % {"n": added})
            return redirect(roster)
        new = candidates.exclude(pk__in=roster.memberships.values("person_id"))
        preview = {"matching": candidates.count(), "new": new.count()}
    context = {"roster": roster, "form": form, "preview": preview}
    return render(request, "people/roster_add.html", context)


@require_POST
def roster_remove(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = get_for_user(Roster.objects, request.user, roster_pk, CHANGE)
    ids = [i for i in map(parse_id, request.POST.getlist("person")) if i is not None]
    removed = services.roster_remove_people(actor=request.user, roster=roster, person_ids=ids)
    messages.success(request, _("Đã bỏ %(n)s người khỏi danh sách.") % {"n": removed})
    return redirect(roster)


@require_GET
def roster_coverage(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = get_for_user(
        Roster.objects.select_related("owner", "owner__territory"), request.user, roster_pk
    )
    rows, total = selectors.roster_coverage(roster)
    members = paginate(
        request,
        selectors.roster_member_status(roster)
        .select_related("person", "unit")
        .order_by("person__sort_key", "pk"),
    )
    completions = selectors.member_completions(
        roster, [m.person_id for m in members], user=request.user
    )
    for member in members:
        member.completions = completions.get(member.person_id, [])
    context = {"roster": roster, "rows": rows, "total": total, "page": members}
    return render(request, "people/roster_coverage.html", context)


@require_GET
def roster_coverage_xlsx(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = get_for_user(
        Roster.objects.select_related("owner", "owner__territory"), request.user, roster_pk
    )
    rows, total = selectors.roster_coverage(roster)
    headers = [
        _("Địa bàn"),
        _("Số người trong danh sách"),
        _("Đã được cử học"),
        _("Đã hoàn thành"),
        _("Tỉ lệ hoàn thành (%)"),
    ]
    table: list[list[CellValue]] = [
        [r.name or _("(chưa rõ địa bàn)"), r.members, r.enrolled, r.completed, r.percent]
        for r in rows
    ]
    table.append([_("Tổng cộng"), total.members, total.enrolled, total.completed, total.percent])
    content = write_table(headers, table, sheet_title=roster.name, widths=(40, 14, 14, 14, 14))
    return xlsx_response(content, f"bao-phu-danh-sach-{roster.pk}.xlsx")


@require_GET
def roster_members_xlsx(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = get_for_user(Roster.objects, request.user, roster_pk)
    members = list(
        selectors.roster_member_status(roster)
        .select_related("person", "person__organization", "unit")
        .order_by("person__sort_key", "pk")
    )
    completions = selectors.member_completions(
        roster, [m.person_id for m in members], user=request.user
    )
    foreign = _("lớp của đơn vị khác")
    headers = [
        _("Họ và tên"),
        _("Ngày/năm sinh"),
        _("Chức vụ"),
        _("Cơ quan công tác"),
        _("Địa bàn"),
        _("Đã được cử học"),
        _("Đã hoàn thành"),
        _("Các lớp đã hoàn thành"),
    ]
    table = [
        [
            m.person.full_name,
            m.person.birth_display,
            m.person.position,
            str(m.person.organization) if m.person.organization else "",
            m.unit.name if m.unit else "",
            _("Có") if m.is_enrolled else "",  # type: ignore[attr-defined]
            _("Có") if m.has_completed else "",  # type: ignore[attr-defined]
            "; ".join(c.title if c else foreign for c in completions.get(m.person_id, [])),
        ]
        for m in members
    ]
    content = write_table(
        headers, table, sheet_title=roster.name, widths=(28, 12, 24, 30, 30, 10, 10, 60)
    )
    return xlsx_response(content, f"danh-sach-{roster.pk}.xlsx")
