"""The admin-unit browser: search on both maps, old ↔ new lookup, villages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import parse_id
from core.http import HtmxHttpRequest
from core.pagination import paginate
from core.roles import COMMITTEE
from core.scope import has_role, require_role, territory_allowed, units_in_scope
from geo import selectors, services
from geo.forms import UnitSearchForm, VillageForm
from geo.models import AdminUnit, Level


@require_GET
def unit_browser(request: HtmxHttpRequest) -> HttpResponse:
    form = UnitSearchForm(request.GET or None)
    page = None
    error = ""
    if form.is_bound and form.is_valid():
        try:
            units = selectors.unit_search(
                query=form.cleaned_data["q"],
                edition=form.cleaned_data["edition"],
                level=form.cleaned_data["level"],
            )
            page = paginate(request, units, per_page=50)
        except selectors.SearchError as exc:
            error = str(exc)
    elif form.is_bound:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        page = paginate(request, selectors.provinces(edition="current"), per_page=100)
    query = form.cleaned_data.get("q", "").strip() if form.is_bound and form.is_valid() else ""
    context = {
        "form": form,
        "page": page,
        "error": error,
        "searched_code": query if parse_id(query) is not None else "",
    }
    template = "geo/_unit_results.html" if request.htmx else "geo/unit_browser.html"
    return render(request, template, context, status=400 if error else 200)


def _unit_or_404(unit_pk: int) -> AdminUnit:
    return get_object_or_404(
        AdminUnit.objects.select_related("parent", "parent__parent"), pk=unit_pk
    )


@require_GET
def unit_detail(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit_or_404(unit_pk)
    ancestors = list(AdminUnit.objects.filter(pk__in=unit.ancestor_ids()[:-1]).order_by("path"))
    can_add_village = (
        unit.level == Level.COMMUNE
        and has_role(request.user, COMMITTEE)
        and territory_allowed(request.user, unit)
    )
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": paginate(request, selectors.unit_children(unit), per_page=100),
        "successions": selectors.unit_successions(unit),
        "predecessions": selectors.unit_predecessions(unit),
        "village_form": VillageForm() if can_add_village else None,
    }
    return render(request, "geo/unit_detail.html", context)


@require_POST
def village_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    commune = _unit_or_404(unit_pk)
    require_role(request.user, COMMITTEE)
    form = VillageForm(request.POST)
    if form.is_valid():
        try:
            village = services.village_create(
                actor=request.user,
                commune=commune,
                unit_type=form.cleaned_data["unit_type"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": village.name})
            return redirect(commune)
    messages.error(
        request,
        _("Chưa thêm được thôn/khu phố: %(errors)s")
        % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
    )
    return redirect(commune)


@require_GET
def unit_picker(request: HttpRequest) -> HttpResponse:
    """Radio options of units the user may place a record on (htmx partial)."""
    field = request.GET.get("field", "territory")
    if not field.isidentifier():
        field = "territory"
    error = ""
    units = AdminUnit.objects.none()
    try:
        words = selectors.clean_query(request.GET.get("q", ""))
    except selectors.SearchError as exc:
        error, words = str(exc), []
    if words:
        in_scope = units_in_scope(request.user).exclude(level=Level.VILLAGE)
        units = selectors.unit_search(query=" ".join(words)).filter(pk__in=in_scope.values("pk"))
        units = units[:20]
    return render(
        request, "geo/_unit_picker.html", {"units": units, "field": field, "error": error}
    )
