"""Pages of the person registry: list, detail, edit, duplicates, merge (rosters: views_rosters)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_failure
from core.pagination import paginate
from core.roles import COMMITTEE, Role
from core.scope import (
    CHANGE,
    get_for_user,
    has_role,
    may_change,
    require_role,
    restrict,
    units_in_scope,
)
from courses.xlsx import write_table
from geo import selectors as geo_selectors
from geo.models import AdminUnit
from nominations.models import Enrollment, Nomination
from people import selectors, services
from people.forms import PersonFilterForm, PersonForm
from people.identity import commune_of, normalize_citizen_id, person_fill_derived, split_full_name
from people.models import ChangeAction, Person, Roster
from people.services import PERSON_FIELDS

PEOPLE_USERS = COMMITTEE | {Role.FOCAL_POINT}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _field_label(name: str) -> str:
    if name == "categories":
        return _("đối tượng")
    if name == "owner":
        return _("đơn vị quản lý hồ sơ")
    try:
        field = Person._meta.get_field(name)
    except FieldDoesNotExist:  # a field of an older version of the model
        return name
    return str(getattr(field, "verbose_name", name))


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- list and export ------------------------------------------------------------------


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, PEOPLE_USERS)
    form = PersonFilterForm(request.GET or None, user=request.user)
    people = selectors.person_list(user=request.user, filters=form.to_filters())
    context = {
        "form": form,
        "page": paginate(request, people),
        "export_query": request.GET.urlencode(),
        "can_create": has_role(request.user, PEOPLE_USERS),
        "is_committee": has_role(request.user, COMMITTEE),
    }
    return render(request, "people/person_list.html", context)


def _person_row(p: Person) -> list[Any]:
    return [
        p.full_name,
        p.get_sex_display(),
        p.birth_date or p.birth_year,
        p.get_ethnicity_display(),
        p.citizen_id,
        p.phone,
        p.email,
        p.position,
        str(p.organization) if p.organization else "",
        p.home_unit.name if p.home_unit else "",
        "; ".join(c.name for c in p.categories.all()),
        _("Có") if p.is_party_member else "",
    ]


@require_GET
def person_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, PEOPLE_USERS)
    form = PersonFilterForm(request.GET or None, user=request.user)
    people = selectors.person_list(user=request.user, filters=form.to_filters())
    headers = [
        _("Họ và tên"),
        _("Giới tính"),
        _("Ngày/năm sinh"),
        _("Dân tộc"),
        _("Số CCCD"),
        _("Điện thoại"),
        _("Thư điện tử"),
        _("Chức vụ"),
        _("Cơ quan công tác"),
        _("Nơi cư trú"),
        _("Đối tượng"),
        _("Đảng viên"),
    ]
    rows = (_person_row(p) for p in people.iterator(chunk_size=500))
    content = write_table(
        headers,
        rows,
        sheet_title=_("Danh sách người"),
        widths=(28, 8, 12, 10, 14, 12, 24, 24, 30, 30, 40, 9),
    )
    return xlsx_response(content, f"danh-sach-nguoi-{timezone.localdate():%Y%m%d}.xlsx")


# --- detail ---------------------------------------------------------------------------


def _shown(value: Any) -> str | None:
    """A history value as text: lists joined, booleans in words."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _history(person: Person) -> list[dict[str, Any]]:
    entries = []
    for change in selectors.person_history(person):
        fields = [
            {"label": _field_label(name), "old": _shown(values[0]), "new": _shown(values[1])}
            for name, values in change.changes.items()
            if not name.startswith("_") and isinstance(values, list) and len(values) == 2
        ]
        merged = change.changes.get("_merged") if change.action == ChangeAction.MERGE else None
        snapshot = []
        if isinstance(merged, dict):
            snapshot = [
                {"label": _field_label(name), "value": _shown(value)}
                for name, value in merged.get("snapshot", {}).items()
                if value is not None and name not in ("pk", "full_name")
            ]
            merged = {
                "name": merged.get("snapshot", {}).get("full_name", ""),
                "pk": merged.get("snapshot", {}).get("pk"),
            }
        entries.append({"change": change, "fields": fields, "merged": merged, "snapshot": snapshot})
    return entries


@require_GET
def person_detail(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_for_user(
        Person.objects.select_related("organization", "home_unit", "home_unit__parent", "owner"),
        request.user,
        person_pk,
    )
    enrollments = (
        restrict(Enrollment.objects.all(), request.user)
        .filter(person=person)
        .select_related("course", "unit")
        .order_by("-course__start_date")
    )
    nominations = (
        restrict(Nomination.objects.all(), request.user)
        .filter(person=person)
        .select_related("course", "unit")
        .order_by("-submitted_at")
    )
    rosters = restrict(Roster.objects.all(), request.user).filter(memberships__person=person)
    context = {
        "person": person,
        "categories": person.categories.all(),
        "enrollments": enrollments,
        "nominations": nominations,
        "rosters": rosters.select_related("owner"),
        "history": _history(person),
        "can_change": may_change(request.user, person),
        "duplicates": selectors.likely_duplicates(
            citizen_id="",
            name_folded=person.name_folded,
            birth_date=person.birth_date,
            birth_year=person.birth_year,
            commune_id=commune_of(person),
            exclude_pk=person.pk,
            user=request.user,
        ),
    }
    return render(request, "people/person_detail.html", context)


# --- create and edit ------------------------------------------------------------------


def _duplicates_for(form: PersonForm, user: Any, exclude_pk: int | None) -> list[Person]:
    """Likely duplicates by name, birth and commune (a shared CCCD is refused by the service)."""
    data = form.cleaned_data
    try:
        family, middle, given = split_full_name(data["full_name"])
    except ValueError:
        return []
    probe = Person(
        family_name=family,
        middle_name=middle,
        given_name=given,
        birth_date=data["birth_date"],
        birth_year=data["birth_year"],
        home_unit=data["home_unit"],
    )
    person_fill_derived(probe)
    try:
        citizen_id = normalize_citizen_id(data["citizen_id"] or "")
    except ValueError:
        citizen_id = ""
    found = selectors.likely_duplicates(
        citizen_id="",
        name_folded=probe.name_folded,
        birth_date=probe.birth_date,
        birth_year=probe.birth_year,
        commune_id=commune_of(probe),
        exclude_pk=exclude_pk,
        user=user,
    )
    return [p for p in found if not (citizen_id and p.citizen_id == citizen_id)]


def _person_form_page(
    request: HttpRequest, form: PersonForm, person: Person | None, duplicates: list[Person]
) -> HttpResponse:
    context = {
        "form": form,
        "person": person,
        "duplicates": duplicates,
        "selected_home_unit": form.selected_home_unit(),
        "cancel_url": person.get_absolute_url() if person else reverse("people:person_list"),
    }
    return render(request, "people/person_form.html", context)


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, PEOPLE_USERS)
    initial = {"owner": getattr(request.user, "organization_id", None)}
    form = PersonForm(request.POST or None, initial=initial, user=request.user)
    duplicates: list[Person] = []
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_for(form, request.user, None)
        if not duplicates or form.cleaned_data["confirm_new"]:
            try:
                person = services.person_create(
                    actor=request.user, owner=form.cleaned_data["owner"], data=form.to_data()
                )
            except (ValidationError, PermissionDenied) as exc:
                add_failure(form, exc)
            else:
                messages.success(request, _("Đã thêm hồ sơ %(name)s.") % {"name": person})
                return redirect(person)
    return _person_form_page(request, form, None, duplicates)


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_for_user(Person.objects, request.user, person_pk, CHANGE)
    form = PersonForm(
        request.POST or None,
        initial=PersonForm.initial_for(person),
        user=request.user,
        person=person,
    )
    form.fields["owner"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, data=form.to_data())
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã lưu hồ sơ."))
            return redirect(person)
    return _person_form_page(request, form, person, [])


@require_GET
def unit_options(request: HttpRequest) -> HttpResponse:
    """Radio options of communes and villages for a person's home (htmx partial)."""
    require_role(request.user, PEOPLE_USERS)
    field = request.GET.get("field", "home_unit")
    if not field.isidentifier():
        field = "home_unit"
    error = ""
    units = AdminUnit.objects.none()
    try:
        words = geo_selectors.clean_query(request.GET.get("q", ""))
    except geo_selectors.SearchError as exc:
        error, words = str(exc), []
    if words:
        in_scope = units_in_scope(request.user)
        units = geo_selectors.unit_search(query=" ".join(words)).filter(
            pk__in=in_scope.values("pk")
        )[:20]
    return render(
        request, "geo/_unit_picker.html", {"units": units, "field": field, "error": error}
    )


# --- duplicates and merge -------------------------------------------------------------


@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, PEOPLE_USERS)
    page = paginate(request, selectors.duplicate_groups(user=request.user), per_page=30)
    return render(request, "people/duplicate_list.html", {"page": page})


def _related_counts(person: Person, user: Any) -> dict[str, int]:
    """What hangs on a record, as far as the user may see it."""
    return {
        "nominations": restrict(person.nominations.all(), user).count(),
        "enrollments": restrict(person.enrollments.all(), user).count(),
        "rosters": restrict(person.roster_memberships.all(), user).count(),
    }


@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, person_pk: int, other_pk: int) -> HttpResponse:
    """Merge `other_pk` into `person_pk` (the record kept), choosing per field."""
    related = ("organization", "home_unit", "owner")
    keep = get_for_user(Person.objects.select_related(*related), request.user, person_pk, CHANGE)
    drop = get_for_user(Person.objects.select_related(*related), request.user, other_pk, CHANGE)
    if keep.pk == drop.pk:
        messages.error(request, _("Hãy chọn hai hồ sơ khác nhau để gộp."))
        return redirect(keep)
    defaults = services.merge_defaults(keep, drop)
    choices = {
        name: request.POST.get(f"f_{name}", defaults[name])
        if request.method == "POST"
        else defaults[name]
        for name in defaults
    }
    error = ""
    if request.method == "POST":
        try:
            services.person_merge(actor=request.user, keep=keep, drop=drop, choices=choices)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(request, _("Đã gộp hai hồ sơ."))
            return redirect(keep)
    keep_values = services.person_snapshot(keep)
    drop_values = services.person_snapshot(drop)
    rows = [
        {
            "name": name,
            "label": _field_label(name),
            "keep": _shown(keep_values.get(name)),
            "drop": _shown(drop_values.get(name)),
            "choice": choices[name],
            "same": keep_values.get(name) == drop_values.get(name),
        }
        for name in PERSON_FIELDS
        if name in choices
    ]
    context = {
        "keep": keep,
        "drop": drop,
        "rows": rows,
        "keep_counts": _related_counts(keep, request.user),
        "drop_counts": _related_counts(drop, request.user),
        "error": error,
    }
    return render(request, "people/person_merge.html", context, status=400 if error else 200)
