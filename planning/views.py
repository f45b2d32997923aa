"""Training plan pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors, parse_id
from core.pagination import paginate
from core.roles import COMMITTEE, Role
from core.scope import CHANGE, get_for_user, has_role, require_role
from courses.selectors import CourseFilters, course_list
from planning import selectors, services
from planning.forms import PlanForm
from planning.models import TrainingPlan

FIELDS = (
    "issuer",
    "number",
    "symbol",
    "year",
    "issue_date",
    "title",
    "classes_target",
    "budget",
    "notes",
)


def _int(value: str | None) -> int | None:
    number = parse_id(value)
    return number if number is not None and number < 10_000 else None


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE | {Role.EDITOR})
    year = _int(request.GET.get("year"))
    context = {
        "page": paginate(request, selectors.plan_list(user=request.user, year=year)),
        "year": year,
        "can_create": has_role(request.user, COMMITTEE),
    }
    return render(request, "planning/plan_list.html", context)


@require_GET
def plan_detail(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_for_user(TrainingPlan.objects.select_related("issuer"), request.user, plan_pk)
    courses = course_list(user=request.user, filters=CourseFilters(plan_id=plan.pk))
    context = {
        "plan": plan,
        "progress": selectors.plan_progress(plan),
        "courses": courses[:300],
        "can_change": has_role(request.user, COMMITTEE),
    }
    return render(request, "planning/plan_detail.html", context)


def _fields(form: PlanForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in FIELDS}


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    # The user's own committee issues most plans: preselect it.
    initial = {"issuer": getattr(request.user, "organization_id", None)}
    form = PlanForm(request.POST or None, request.FILES or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user,
                targets=form.targets(),
                attachment=form.cleaned_data["attachment"],
                **_fields(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo kế hoạch %(ref)s.") % {"ref": plan.reference})
            return redirect(plan)
    return render(request, "planning/plan_form.html", {"form": form, "plan": None})


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_for_user(TrainingPlan.objects, request.user, plan_pk, CHANGE)
    initial: dict[str, Any] = {name: getattr(plan, name) for name in FIELDS}
    initial["issuer"] = plan.issuer_id
    for target in plan.targets.all():
        key = f"target_{target.category_id}" if target.category_id else "target_total"
        initial[key] = target.trainees
    form = PlanForm(request.POST or None, request.FILES or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                targets=form.targets(),
                attachment=form.cleaned_data["attachment"],
                **_fields(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect(plan)
    return render(request, "planning/plan_form.html", {"form": form, "plan": plan})


@require_GET
def plan_attachment(request: HttpRequest, plan_pk: int) -> FileResponse:
    """Attachments are served through the scope gate, never from a public media URL."""
    plan = get_for_user(TrainingPlan.objects, request.user, plan_pk)
    if not plan.attachment:
        raise Http404(_("Kế hoạch này không có văn bản đính kèm."))
    name = plan.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(plan.attachment.open("rb"), as_attachment=True, filename=name)
