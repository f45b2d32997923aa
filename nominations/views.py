"""Pages of quotas and nominations: the committee's page of a class, the focal
point's classes and nominate page, the decisions (htmx), the trainee list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_failure
from core.roles import COMMITTEE, Role
from core.scope import CHANGE, VIEW, get_for_user, has_role, may_change, require_role, roles_of
from courses.models import Course, CourseStatus
from nominations import exports, selectors, services
from nominations.forms import DeadlineForm, PersonChoiceForm, QuotaForm, ReasonForm
from nominations.models import (
    Enrollment,
    EventKind,
    Nomination,
    NominationEvent,
    NominationStatus,
    Quota,
)
from orgs.models import Organization
from people.forms import PersonForm

NOMINATORS = COMMITTEE | {Role.FOCAL_POINT}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Fields of the person form a focal point fills when adding someone while nominating.
NEW_PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "birth_year",
    "citizen_id",
    "ethnicity",
    "phone",
    "position",
    "organization",
    "categories",
)


def _course(request: HttpRequest, course_pk: int, action: str = VIEW) -> Course:
    return get_for_user(Course.objects.select_related("owner"), request.user, course_pk, action)


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc)
    return " ".join(exc.messages)


# --- the committee's page of a class --------------------------------------------------


def _panel_context(request: HttpRequest, course: Course) -> dict[str, Any]:
    user = request.user
    nominations = list(selectors.course_nominations(course, user=user))
    quotas = list(selectors.course_quotas(course, user=user))
    for quota in quotas:
        quota.remaining = max(quota.places - quota.used, 0)  # type: ignore[attr-defined]
    return {
        "course": course,
        "quotas": quotas,
        "quota_total": sum(q.places for q in quotas),
        "submitted": [n for n in nominations if n.status == NominationStatus.SUBMITTED],
        "waiting": sorted(
            (n for n in nominations if n.status == NominationStatus.WAITLISTED),
            key=lambda n: (n.waitlisted_at, n.pk),
        ),
        "decided": [
            n
            for n in nominations
            if n.status in (NominationStatus.REJECTED, NominationStatus.WITHDRAWN)
        ],
        "enrollments": [
            e for e in selectors.course_enrollments(course, user=user) if e.status == "enrolled"
        ],
        "events": selectors.course_events(course, user=user),
        "can_change": may_change(user, course),
        # Trainees leave only while the class takes nominations or runs.
        "can_withdraw": may_change(user, course)
        and services.may_withdraw_approved(course, committee=True),
        "free_places": max(course.capacity - course.enrolled_count, 0),
        "deadline_help": DeadlineForm.base_fields["deadline"].help_text,
    }


def _panel(request: HttpRequest, course_pk: int, notice: str = "", error: str = "") -> HttpResponse:
    """After an action: the panel again (htmx), or the page with a message."""
    if getattr(request, "htmx", False):
        course = _course(request, course_pk)
        context = _panel_context(request, course) | {"notice": notice, "error": error}
        return render(request, "nominations/_panel.html", context)
    if notice:
        messages.success(request, notice)
    if error:
        messages.error(request, error)
    return redirect("nominations:course", course_pk=course_pk)


@require_GET
def course_page(request: HttpRequest, course_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    course = _course(request, course_pk)
    return render(request, "nominations/course.html", _panel_context(request, course))


@require_POST
def deadline_set(request: HttpRequest, course_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    course = _course(request, course_pk, CHANGE)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _panel(request, course.pk, error=error)
    try:
        services.nomination_deadline_set(
            actor=request.user, course=course, deadline=form.cleaned_data["deadline"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _panel(request, course.pk, error=_refusal(exc))
    return _panel(request, course.pk, notice=_("Đã lưu hạn cử học viên."))


@require_http_methods(["GET", "POST"])
def quota_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    course = _course(request, course_pk, CHANGE)
    return _quota_form(request, course, None)


@require_http_methods(["GET", "POST"])
def quota_edit(request: HttpRequest, quota_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    quota = get_for_user(
        Quota.objects.select_related("course", "unit"), request.user, quota_pk, CHANGE
    )
    return _quota_form(request, quota.course, quota)


def _quota_form(request: HttpRequest, course: Course, quota: Quota | None) -> HttpResponse:
    initial = {"unit": quota.unit_id, "places": quota.places, "note": quota.note} if quota else {}
    form = QuotaForm(request.POST or None, initial=initial, user=request.user, quota=quota)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.quota_set(
                actor=request.user,
                course=course,
                unit=quota.unit if quota else data["unit"],
                places=data["places"],
                note=data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu."))
            return redirect("nominations:course", course_pk=course.pk)
    title = _("Sửa chỉ tiêu") if quota else _("Giao chỉ tiêu")
    context = {
        "form": form,
        "title": f"{title} — {course.title}",
        "intro": _("Số học viên dự kiến của lớp: %(n)d. Tổng chỉ tiêu không được vượt số này.")
        % {"n": course.capacity},
        "cancel_url": reverse("nominations:course", kwargs={"course_pk": course.pk}),
        "submit": _("Lưu"),
    }
    return render(request, "courses/simple_form.html", context)


@require_POST
def quota_delete(request: HttpRequest, quota_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    quota = get_for_user(
        Quota.objects.select_related("course", "unit"), request.user, quota_pk, CHANGE
    )
    try:
        services.quota_delete(actor=request.user, quota=quota)
    except (ValidationError, PermissionDenied) as exc:
        return _panel(request, quota.course_id, error=_refusal(exc))
    return _panel(
        request, quota.course_id, notice=_("Đã xoá chỉ tiêu của %(u)s.") % {"u": quota.unit}
    )


def _nomination(request: HttpRequest, nomination_pk: int, action: str = VIEW) -> Nomination:
    return get_for_user(
        Nomination.objects.select_related("course", "person", "unit"),
        request.user,
        nomination_pk,
        action,
    )


@require_POST
def nomination_approve(request: HttpRequest, nomination_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    nomination = _nomination(request, nomination_pk, CHANGE)
    try:
        nomination = services.nomination_approve(actor=request.user, nomination=nomination)
    except (ValidationError, PermissionDenied) as exc:
        return _panel(request, nomination.course_id, error=_refusal(exc))
    name = nomination.person.full_name
    if nomination.status == NominationStatus.WAITLISTED:
        notice = _("Lớp đã đủ chỗ: %(name)s vào danh sách chờ, thứ tự %(n)d.") % {
            "name": name,
            "n": services.waitlist_position(nomination),
        }
    else:
        notice = _("Đã duyệt %(name)s vào lớp.") % {"name": name}
    return _panel(request, nomination.course_id, notice=notice)


@require_POST
def nomination_reject(request: HttpRequest, nomination_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    nomination = _nomination(request, nomination_pk, CHANGE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _panel(request, nomination.course_id, error=_("Không duyệt phải ghi rõ lý do."))
    try:
        services.nomination_reject(
            actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _panel(request, nomination.course_id, error=_refusal(exc))
    notice = _("Đã ghi không duyệt %(name)s.") % {"name": nomination.person.full_name}
    return _panel(request, nomination.course_id, notice=notice)


@require_POST
def nomination_withdraw(request: HttpRequest, nomination_pk: int) -> HttpResponse:
    """The unit's focal point (from its page) or the committee takes a nomination back."""
    require_role(request.user, NOMINATORS)
    nomination = _nomination(request, nomination_pk)
    committee = may_change(request.user, nomination.course)
    try:
        services.nomination_withdraw(
            actor=request.user, nomination=nomination, reason=request.POST.get("reason", "")[:1000]
        )
    except (ValidationError, PermissionDenied) as exc:
        notice, error = "", _refusal(exc)
    else:
        notice, error = _("Đã rút đề cử %(name)s.") % {"name": nomination.person.full_name}, ""
    if committee:
        return _panel(request, nomination.course_id, notice=notice, error=error)
    if notice:
        messages.success(request, notice)
    if error:
        messages.error(request, error)
    return redirect("nominations:nominate", course_pk=nomination.course_id)


@require_POST
def enrollment_withdraw(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    enrollment = get_for_user(
        Enrollment.objects.select_related("course", "person"), request.user, enrollment_pk, CHANGE
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _panel(
            request, enrollment.course_id, error=_("Rút học viên khỏi lớp phải ghi rõ lý do.")
        )
    since = timezone.now()
    try:
        services.enrollment_withdraw(
            actor=request.user, enrollment=enrollment, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _panel(request, enrollment.course_id, error=_refusal(exc))
    notice = _("%(name)s đã rút khỏi lớp.") % {"name": enrollment.person.full_name}
    promoted = (
        NominationEvent.objects.filter(
            course_id=enrollment.course_id, kind=EventKind.PROMOTED, at__gte=since
        )
        .select_related("nomination__person")
        .first()
    )
    if promoted is not None and promoted.nomination is not None:
        notice += " " + _("%(name)s được tự động chuyển từ danh sách chờ vào lớp.") % {
            "name": promoted.nomination.person.full_name
        }
    return _panel(request, enrollment.course_id, notice=notice)


@require_POST
def enroll(request: HttpRequest, course_pk: int) -> HttpResponse:
    """The committee adds a person directly (no nomination)."""
    require_role(request.user, COMMITTEE)
    course = _course(request, course_pk, CHANGE)
    form = PersonChoiceForm(request.POST, people=selectors.enrollable_people(user=request.user))
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _panel(request, course.pk, error=error)
    person = form.cleaned_data["person"]
    try:
        services.enroll_directly(actor=request.user, course=course, person=person)
    except (ValidationError, PermissionDenied) as exc:
        return _panel(request, course.pk, error=_refusal(exc))
    return _panel(request, course.pk, notice=_("Đã ghi danh %(n)s.") % {"n": person.full_name})


@require_GET
def trainees_xlsx(request: HttpRequest, course_pk: int) -> HttpResponse:
    require_role(request.user, NOMINATORS | {Role.SECRETARY})
    course = _course(request, course_pk)
    enrollments = selectors.course_enrollments(course, user=request.user).filter(status="enrolled")
    response = HttpResponse(exports.trainee_table(course, enrollments), content_type=XLSX_TYPE)
    filename = f"hoc-vien-lop-{course.pk}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Cache-Control"] = "private, no-store"
    return response


# --- the focal point's pages ----------------------------------------------------------


@require_GET
def my_courses(request: HttpRequest) -> HttpResponse:
    """Lớp được giao chỉ tiêu: the classes in which the user's unit holds a quota."""
    require_role(request.user, {Role.FOCAL_POINT})
    quotas = list(selectors.unit_quotas(user=request.user))
    return render(request, "nominations/my_courses.html", {"quotas": quotas, "now": timezone.now()})


def _unit_quota(request: HttpRequest, course_pk: int) -> tuple[Course, Quota, Organization]:
    """The class and the quota of the focal point's unit in it (404 without one)."""
    if Role.FOCAL_POINT not in roles_of(request.user):
        raise PermissionDenied(_("Chỉ đầu mối đơn vị cử học viên dùng được chức năng này."))
    course = _course(request, course_pk)
    quota = selectors.unit_quota(course, user=request.user)
    if quota is None:
        raise Http404(_("Đơn vị của bạn không có chỉ tiêu trong lớp này."))
    return course, quota, quota.unit


def _nominate_context(
    request: HttpRequest, course: Course, quota: Quota, unit: Organization
) -> dict[str, Any]:
    return {
        "course": course,
        "quota": quota,
        "unit": unit,
        "remaining": max(quota.places - quota.used, 0),  # type: ignore[attr-defined]
        "nominations": selectors.course_nominations(course, user=request.user).filter(unit=unit),
        "people": selectors.nominable_people(user=request.user, unit=unit)[:30],
        "deadline_passed": course.nomination_deadline is not None
        and course.nomination_deadline < timezone.now(),
        "open": course.status == CourseStatus.NOMINATING,
        # An approved person leaves only while nominating and before the deadline.
        "can_withdraw_approved": services.may_withdraw_approved(
            course, committee=may_change(request.user, course)
        ),
    }


@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, course_pk: int) -> HttpResponse:
    course, quota, unit = _unit_quota(request, course_pk)
    people = selectors.nominable_people(user=request.user, unit=unit)
    form = PersonChoiceForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.nominate(
                actor=request.user,
                course=course,
                unit=unit,
                person=person,
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã cử %(n)s.") % {"n": person.full_name})
            return redirect("nominations:nominate", course_pk=course.pk)
    context = _nominate_context(request, course, quota, unit) | {"form": form}
    return render(request, "nominations/nominate.html", context)


@require_http_methods(["GET", "POST"])
def nominate_new_person(request: HttpRequest, course_pk: int) -> HttpResponse:
    """Add a person to the unit's records and nominate them in one step."""
    course, quota, unit = _unit_quota(request, course_pk)
    form = PersonForm(request.POST or None, user=request.user, initial={"owner": unit.pk})
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nominate_new_person(
                actor=request.user,
                course=course,
                unit=unit,
                data=form.to_data(),
                note=request.POST.get("note", "")[:300],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(
                request,
                _("Đã thêm %(n)s vào hồ sơ của đơn vị và cử vào lớp.")
                % {"n": nomination.person.full_name},
            )
            return redirect("nominations:nominate", course_pk=course.pk)
    context = _nominate_context(request, course, quota, unit) | {
        "form": form,
        "fields": [form[name] for name in NEW_PERSON_FIELDS],
    }
    return render(request, "nominations/new_person.html", context)


@require_GET
def person_options(request: HttpRequest, course_pk: int) -> HttpResponse:
    """<option>s of people matching ?q= (accent-folding): a focal point's unit's
    people for nominating, anyone in scope for the committee's direct enrollment."""
    require_role(request.user, NOMINATORS)
    query = request.GET.get("q", "")[:100]
    if has_role(request.user, COMMITTEE):
        _course(request, course_pk, CHANGE)
        people = selectors.enrollable_people(user=request.user, query=query)
    else:
        unit = _unit_quota(request, course_pk)[2]
        people = selectors.nominable_people(user=request.user, unit=unit, query=query)
    options = [(p.pk, _person_label(p)) for p in people[:30]]
    return render(
        request,
        "courses/_options.html",
        {
            "options": options,
            "empty_label": _("— chọn người —") if options else _("Không tìm thấy ai"),
        },
    )


def _person_label(person: Any) -> str:
    extra = [person.birth_display, person.position]
    return " — ".join([person.full_name, *(x for x in extra if x)])
