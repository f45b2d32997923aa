"""Organisation pages, every object through the scope gate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from core.pagination import paginate
from core.roles import COMMITTEE, MANAGERS, Role
from core.scope import CHANGE, get_for_user, has_role, require_role, restrict
from orgs import selectors, services
from orgs.forms import OrganizationFilterForm, OrganizationForm, RenameForm
from orgs.models import Organization


@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE | {Role.FOCAL_POINT, Role.EDITOR})
    form = OrganizationFilterForm(request.GET or None)
    query = kind = ""
    if form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    organizations = selectors.organization_list(user=request.user, query=query, kind=kind)
    context = {
        "form": form,
        "page": paginate(request, organizations),
        "can_create": has_role(request.user, MANAGERS),
    }
    return render(request, "orgs/organization_list.html", context)


@require_GET
def organization_detail(request: HttpRequest, org_pk: int) -> HttpResponse:
    organization = get_for_user(
        Organization.objects.select_related("territory", "parent", "successor"),
        request.user,
        org_pk,
    )
    context = {
        "organization": organization,
        "names": organization.names.all(),
        "children": restrict(organization.children.all(), request.user).order_by("sort_key")[:200],
        "users": restrict(organization.users.all(), request.user)
        .prefetch_related("roles")
        .order_by("username")[:200],
        "can_change": has_role(request.user, MANAGERS),
    }
    return render(request, "orgs/organization_detail.html", context)


@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, MANAGERS)
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo %(name)s.") % {"name": organization.name})
            return redirect(organization)
    return render(request, "orgs/organization_form.html", {"form": form, "organization": None})


@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, org_pk: int) -> HttpResponse:
    organization = get_for_user(Organization.objects, request.user, org_pk, CHANGE)
    initial = {
        "kind": organization.kind,
        "name": organization.name,
        "short_name": organization.short_name,
        "territory": organization.territory_id,
        "parent": organization.parent_id,
        "valid_from": organization.valid_from,
        "valid_to": organization.valid_to,
    }
    form = OrganizationForm(
        request.POST or None, initial=initial, user=request.user, instance=organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(organization)
    context = {"form": form, "organization": organization}
    return render(request, "orgs/organization_form.html", context)


@require_http_methods(["GET", "POST"])
def organization_rename(request: HttpRequest, org_pk: int) -> HttpResponse:
    organization = get_for_user(Organization.objects, request.user, org_pk, CHANGE)
    form = RenameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_rename(
                actor=request.user,
                organization=organization,
                new_name=form.cleaned_data["new_name"],
                effective=form.cleaned_data["effective"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đổi tên; tên cũ được lưu trong lịch sử."))
            return redirect(organization)
    context = {"form": form, "organization": organization}
    return render(request, "orgs/organization_rename.html", context)
