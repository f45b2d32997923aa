"""Class pages: list, detail, create/edit, workflow, cloning, clusters, programme, guests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_failure, error_text, parse_id
from core.pagination import paginate
from core.roles import COMMITTEE, COURSE_READERS, MANAGERS, Role
from core.scope import CHANGE, VIEW, get_for_user, has_role, require_role, restrict
from courses import html, selectors, services
from courses.forms import (
    CloneForm,
    CourseFilterForm,
    CourseForm,
    GuestForm,
    SessionForm,
    TransitionForm,
)
from courses.models import Course, CourseGuest, CourseStatus, Session
from geo.models import AdminUnit, Level
from orgs.models import Organization, OrganizationKind

# Roles for which `may_change` asks the database (see core.scope.may_change).
COURSE_CHANGE_ROLES = Course.scope_change_roles | set(getattr(Course, "scope_own_change", {}))

# What the class table shows (courses.html.course_rows), and no more: the page
# builds fifty classes with their owner and venue unit on every request.
LIST_FIELDS = (
    "title",
    "kind",
    "start_date",
    "end_date",
    "venue",
    "trainee_count",
    "capacity",
    "status",
    "owner__name",
    "venue_unit__name",
    "venue_unit__edition",
    "venue_unit__level",
)


def _list_rows(courses: QuerySet[Course]) -> QuerySet[Course]:
    # The plan is not shown: no join for it.
    return courses.select_related(None).select_related("owner", "venue_unit").only(*LIST_FIELDS)


def _course(request: HttpRequest, course_pk: int, action: str = VIEW) -> Course:
    return get_for_user(
        Course.objects.select_related("owner", "owner__territory", "plan", "venue_unit", "cluster"),
        request.user,
        course_pk,
        action,
    )


def _course_and_may_change(request: HttpRequest, course_pk: int) -> tuple[Course, bool]:
    """The class (404 outside the scope) and `may_change` for it, in one query.

    The change check is the scope gate's own (`restrict(..., CHANGE)`), asked as
    an EXISTS column of the same statement instead of a second round trip.
    """
    user = request.user
    queryset = Course.objects.select_related(
        "owner", "owner__territory", "plan", "venue_unit", "cluster"
    )
    if has_role(user, {Role.ADMIN}) or not has_role(user, COURSE_CHANGE_ROLES):
        course = get_for_user(queryset, user, course_pk)
        return course, has_role(user, {Role.ADMIN})
    changeable = restrict(Course.objects.all(), user, CHANGE).filter(pk=OuterRef("pk"))
    course = get_for_user(queryset.annotate(may_change=Exists(changeable)), user, course_pk)
    return course, bool(course.may_change)  # type: ignore[attr-defined]


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COURSE_READERS)
    form = CourseFilterForm(request.GET or None, user=request.user)
    courses = selectors.course_list(user=request.user, filters=form.to_filters())
    context = {
        "form": form,
        "page": paginate(request, _list_rows(courses), per_page=50),
        "can_create": has_role(request.user, COMMITTEE),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "courses/course_list.html", context)


@require_GET
def course_detail(request: HttpRequest, course_pk: int) -> HttpResponse:
    course, can_change = _course_and_may_change(request, course_pk)
    sessions = selectors.course_programme(course)
    links = selectors.course_links(course)
    context = {
        "course": course,
        "sessions": sessions,
        "programme_rows": html.programme_rows(
            sessions, can_change=can_change, csrf_token=get_token(request)
        ),
        "guests": selectors.course_guests(course),
        "co_organizers": links.co_organizers,
        "audience": links.audience,
        "catchment": links.catchment,
        "history": course.status_changes.select_related("changed_by"),
        "cluster_siblings": restrict(
            Course.objects.filter(cluster_id=course.cluster_id).exclude(pk=course.pk), request.user
        ).order_by("start_date")
        if course.cluster_id
        else [],
        "source": restrict(Course.objects.filter(pk=course.source_id), request.user).first()
        if course.source_id
        else None,
        "can_change": can_change,
        "transition_form": TransitionForm() if can_change else None,
        "next_statuses": [
            CourseStatus(s)
            for s in course.next_statuses()
            if s != CourseStatus.APPROVED or has_role(request.user, MANAGERS)
        ]
        if can_change
        else [],
    }
    return render(request, "courses/course_detail.html", context)


def _course_data(form: CourseForm) -> services.CourseData:
    data = form.cleaned_data
    return services.CourseData(
        kind=data["kind"],
        title=data["title"],
        owner=data["owner"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        venue=data["venue"],
        venue_unit=data["venue_unit"],
        level=data["level"],
        capacity=data["capacity"],
        trainee_count=data["trainee_count"],
        plan=data["plan"],
        co_organizers=list(data["co_organizers"]),
        audience=list(data["audience"]),
        catchment_units=list(data["catchment_units"]),
    )


@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    initial: dict[str, Any] = {}
    if parse_id(request.GET.get("plan")) is not None:
        initial["plan"] = parse_id(request.GET.get("plan"))
    user_org = getattr(request.user, "organization", None)
    if user_org is not None and user_org.kind == OrganizationKind.COMMITTEE:
        initial["owner"] = user_org.pk
    form = CourseForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, data=_course_data(form))
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã tạo lớp “%(t)s”.") % {"t": course.title})
            return redirect(course)
    return render(request, "courses/course_form.html", {"form": form, "course": None})


@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, CHANGE)
    initial = {
        "kind": course.kind,
        "title": course.title,
        "owner": course.owner_id,
        "plan": course.plan_id,
        "level": course.level,
        "start_date": course.start_date,
        "end_date": course.end_date,
        "venue": course.venue,
        "venue_unit": course.venue_unit_id,
        "capacity": course.capacity,
        "trainee_count": course.trainee_count,
        "co_organizers": [o.pk for o in course.co_organizers.all()],
        "audience": [c.pk for c in course.audience.all()],
        "catchment_units": [u.pk for u in course.catchment_units.all()],
    }
    form = CourseForm(request.POST or None, initial=initial, user=request.user, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, data=_course_data(form))
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã lưu lớp."))
            return redirect(course)
    return render(request, "courses/course_form.html", {"form": form, "course": course})


@require_POST
def course_transition(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, CHANGE)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.course_transition(
                actor=request.user,
                course=course,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã chuyển trạng thái lớp."))
    else:
        messages.error(request, error_text(form))
    return redirect(course)


@require_http_methods(["GET", "POST"])
def course_clone(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, CHANGE)
    form = CloneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.course_clone(
                actor=request.user, course=course, start_date=form.cleaned_data["start_date"]
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã sao chép thành lớp dự thảo mới."))
            return redirect(copy)
    context = {
        "form": form,
        "title": _("Sao chép lớp “%(t)s”") % {"t": course.title},
        "intro": _(
            "Chương trình, báo cáo viên, đại biểu và đối tượng được chép sang một lớp dự "
            "thảo mới; các ngày dời theo ngày bắt đầu mới."
        ),
        "cancel_url": course.get_absolute_url(),
        "submit": _("Sao chép"),
    }
    return render(request, "courses/simple_form.html", context)


# --- cluster set-up -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cluster_create(request: HttpRequest) -> HttpResponse:
    """Cụm lớp: one template, N classes, each unit of the territory assigned to one class."""
    require_role(request.user, COMMITTEE)
    form = CourseForm(request.POST or None, user=request.user, initial=_owner_initial(request))
    owner_pk = str(
        request.POST.get("owner") or request.GET.get("owner") or form.initial.get("owner") or ""
    )
    owner_id = parse_id(owner_pk)
    owner = (
        restrict(Organization.objects.all(), request.user)
        .select_related("territory")
        .filter(pk=owner_id)
        .first()
        if owner_id is not None
        else None
    )
    units = (
        list(owner.territory.children.exclude(level=Level.VILLAGE).order_by("sort_key"))
        if owner
        else []
    )
    count_raw = request.POST.get("count") or request.GET.get("count") or "5"
    count = min(max(parse_id(count_raw) or 5, 2), 20)
    errors: list[str] = []
    parts_input = [
        {
            "index": i,
            "venue": request.POST.get(f"venue_{i}", ""),
            "venue_unit": request.POST.get(f"venue_unit_{i}", ""),
            "start": request.POST.get(f"start_{i}", ""),
            "end": request.POST.get(f"end_{i}", ""),
        }
        for i in range(1, count + 1)
    ]
    assignment = {u.pk: request.POST.get(f"unit_{u.pk}", "") for u in units}
    if request.method == "POST" and form.is_valid():
        parts, errors = _cluster_parts(form, parts_input, units, assignment)
        if not errors:
            try:
                courses = services.cluster_create(
                    actor=request.user,
                    template=_course_data(form),
                    cluster_title=form.cleaned_data["title"],
                    parts=parts,
                )
            except (ValidationError, PermissionDenied) as exc:
                errors = list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]
            else:
                messages.success(request, _("Đã tạo %(n)d lớp của cụm.") % {"n": len(courses)})
                return redirect(courses[0])
    context = {
        "form": form,
        "units": units,
        "count": count,
        "parts": parts_input,
        "assignment": assignment,
        "errors": errors,
        "owner": owner,
    }
    return render(request, "courses/cluster_form.html", context)


def _owner_initial(request: HttpRequest) -> dict[str, Any]:
    user_org = getattr(request.user, "organization", None)
    if parse_id(request.GET.get("owner")) is not None:
        return {"owner": parse_id(request.GET.get("owner"))}
    if user_org is not None and user_org.kind == OrganizationKind.COMMITTEE:
        return {"owner": user_org.pk}
    return {}


def _cluster_parts(
    form: CourseForm,
    parts_input: list[dict[str, Any]],
    units: list[AdminUnit],
    assignment: dict[int, str],
) -> tuple[list[services.ClusterPart], list[str]]:
    date_field = form.fields["start_date"]
    errors: list[str] = []
    parts: list[services.ClusterPart] = []
    by_index: dict[int, list[AdminUnit]] = {}
    for unit in units:
        index = parse_id(assignment.get(unit.pk, ""))
        if index is not None and 1 <= index <= len(parts_input):
            by_index.setdefault(index, []).append(unit)
    unit_by_pk = {u.pk: u for u in units}
    for part in parts_input:
        i = part["index"]
        try:
            start = date_field.clean(part["start"] or form.cleaned_data["start_date"])
            end = date_field.clean(part["end"] or form.cleaned_data["end_date"])
        except ValidationError:
            errors.append(_("Lớp %(i)d: ngày không hợp lệ (dd/mm/yyyy).") % {"i": i})
            continue
        if start > end:
            errors.append(_("Lớp %(i)d: ngày kết thúc trước ngày bắt đầu.") % {"i": i})
        venue_unit = unit_by_pk.get(parse_id(part["venue_unit"]) or 0)
        parts.append(
            services.ClusterPart(
                venue=part["venue"],
                venue_unit=venue_unit,
                catchment_units=by_index.get(i, []),
                start_date=start,
                end_date=end,
            )
        )
    return parts, errors


# --- programme and guests -------------------------------------------------------------


def _session_fields(form: SessionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        name: data[name]
        for name in ("date", "half_day", "start_time", "end_time", "kind", "topic", "title", "room")
    } | {"lecturers": list(data["lecturers"])}


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, CHANGE)
    initial = {"date": course.start_date}
    form = SessionForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_create(actor=request.user, course=course, **_session_fields(form))
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã thêm buổi học."))
            if "again" in request.POST:
                return redirect("courses:session_create", course_pk=course.pk)
            return redirect(course)
    return render(
        request, "courses/session_form.html", {"form": form, "course": course, "session": None}
    )


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = get_for_user(
        Session.objects.select_related("course"), request.user, session_pk, CHANGE
    )
    course = session.course
    initial = {
        name: getattr(session, name)
        for name in ("date", "half_day", "start_time", "end_time", "kind", "title", "room")
    }
    initial |= {"topic": session.topic_id, "lecturers": [lec.pk for lec in session.lecturers.all()]}
    form = SessionForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **_session_fields(form))
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã lưu buổi học."))
            return redirect(course)
    return render(
        request, "courses/session_form.html", {"form": form, "course": course, "session": session}
    )


@require_POST
def session_delete(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = get_for_user(
        Session.objects.select_related("course"), request.user, session_pk, CHANGE
    )
    course = session.course
    services.session_delete(actor=request.user, session=session)
    messages.success(request, _("Đã xoá buổi học."))
    return redirect(course)


@require_http_methods(["GET", "POST"])
def guest_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, CHANGE)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guest_add(actor=request.user, course=course, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã thêm đại biểu."))
            if "again" in request.POST:
                return redirect("courses:guest_create", course_pk=course.pk)
            return redirect(course)
    context = {
        "form": form,
        "title": _("Thêm đại biểu — %(t)s") % {"t": course.title},
        "cancel_url": course.get_absolute_url(),
        "submit": _("Lưu"),
        "again": _("Lưu và thêm người khác"),
    }
    return render(request, "courses/simple_form.html", context)


@require_POST
def guest_delete(request: HttpRequest, guest_pk: int) -> HttpResponse:
    guest = CourseGuest.objects.select_related("course").filter(pk=guest_pk).first()
    course = _course(request, guest.course_id if guest else 0, CHANGE)
    assert guest is not None
    services.guest_delete(actor=request.user, guest=guest)
    messages.success(request, _("Đã xoá đại biểu."))
    return redirect(course)


@require_POST
def course_feed_reset(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, CHANGE)
    services.course_feed_reset(actor=request.user, course=course)
    messages.success(request, _("Đã đổi địa chỉ lịch iCal; địa chỉ cũ không dùng được nữa."))
    return redirect(course)
