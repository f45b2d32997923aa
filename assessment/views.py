"""Pages of assignments, grading and results (thin: the rules are in services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import exports, selectors, services
from assessment.forms import RuleForm, SubmitForm
from assessment.models import Assignment
from core.forms import add_failure, error_text, parse_id
from core.roles import COMMITTEE, MANAGERS
from core.scope import (
    CHANGE,
    VIEW,
    get_for_user,
    get_in_territory,
    has_role,
    may_change,
    require_role,
)
from courses.models import Course
from nominations.models import Enrollment

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _course(request: HttpRequest, course_pk: int, action: str = VIEW) -> Course:
    return get_for_user(Course.objects.select_related("owner"), request.user, course_pk, action)


def _organised(request: HttpRequest, course_pk: int, roles: frozenset[str]) -> Course:
    """A class of the user's own territory (not one they only lecture in)."""
    return get_in_territory(Course.objects.select_related("owner"), request.user, course_pk, roles)


def _enrollment(
    request: HttpRequest, enrollment_pk: int, roles: frozenset[str] | None = None
) -> Enrollment:
    """An enrollment of a class the user may see (a lecturer: a class they teach); with
    `roles`, of a class of the user's own territory only (see `_organised`)."""
    enrollment = (
        Enrollment.objects.select_related("person", "course").filter(pk=enrollment_pk).first()
    )
    course_pk = enrollment.course_id if enrollment else 0
    course = _course(request, course_pk) if roles is None else _organised(request, course_pk, roles)
    assert enrollment is not None
    enrollment.course = course
    return enrollment


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    return str(exc) if isinstance(exc, PermissionDenied) else " ".join(exc.messages)


# --- results --------------------------------------------------------------------------


def _results_context(request: HttpRequest, course: Course) -> dict[str, Any]:
    rule = selectors.rule_of(course)
    rows = selectors.result_rows(course, rule)
    return {
        "course": course,
        "rule": rule,
        "rows": rows,
        "can_change": may_change(request.user, course),
        "can_override": has_role(request.user, MANAGERS) and may_change(request.user, course),
        "can_grade": services.may_grade(request.user, course),
        "rule_form": RuleForm(
            initial={f: getattr(rule, f) for f in RuleForm.base_fields}, prefix="rule"
        ),
    }


@require_GET
def results(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _organised(request, course_pk, COMMITTEE)
    return render(request, "assessment/results.html", _results_context(request, course))


@require_POST
def compute(request: HttpRequest, course_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    course = _course(request, course_pk, CHANGE)
    done = services.results_compute(actor=request.user, course=course)
    passed = sum(1 for r in done if r.passed)
    messages.success(
        request,
        _("Đã xét kết quả: %(p)d/%(n)d học viên hoàn thành.") % {"p": passed, "n": len(done)},
    )
    return redirect("assessment:results", course_pk=course.pk)


@require_POST
def rule_set(request: HttpRequest, course_pk: int) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    course = _course(request, course_pk, CHANGE)
    form = RuleForm(request.POST, prefix="rule")
    if form.is_valid():
        try:
            services.rule_set(
                actor=request.user, course=course, data=services.RuleData(**form.cleaned_data)
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("Đã lưu điều kiện hoàn thành và thang xếp loại."))
    else:
        messages.error(request, error_text(form))
    return redirect("assessment:results", course_pk=course.pk)


@require_POST
def override(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    require_role(request.user, MANAGERS)
    enrollment = _enrollment(request, enrollment_pk, MANAGERS)
    choice = request.POST.get("decision", "")
    decisions: dict[str, bool | None] = {"pass": True, "fail": False, "clear": None}
    if choice not in decisions:
        messages.error(request, _("Chọn Đạt, Không đạt hoặc Bỏ quyết định."))
    else:
        try:
            services.result_override(
                actor=request.user,
                enrollment=enrollment,
                passed=decisions[choice],
                reason=request.POST.get("reason", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("Đã ghi quyết định cho %(n)s.") % {"n": enrollment.person})
    return redirect("assessment:results", course_pk=enrollment.course_id)


@require_GET
def results_xlsx(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _organised(request, course_pk, COMMITTEE)
    rule = selectors.rule_of(course)
    content = exports.results_table(course, selectors.result_rows(course, rule))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"ket-qua-lop-{course.pk}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Cache-Control"] = "private, no-store"
    return response


# --- grading --------------------------------------------------------------------------


@require_GET
def grading(request: HttpRequest, course_pk: int) -> HttpResponse:
    require_role(request.user, services.GRADERS)
    course = _course(request, course_pk)
    if not services.may_grade(request.user, course):
        raise PermissionDenied(_("Bạn không chấm bài của lớp này."))
    rule = selectors.rule_of(course)
    context = {"course": course, "rows": selectors.result_rows(course, rule), "rule": rule}
    return render(request, "assessment/grading.html", context)


@require_POST
def grade(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    require_role(request.user, services.GRADERS)
    enrollment = _enrollment(request, enrollment_pk)
    error = notice = ""
    try:
        services.grade_set(
            actor=request.user,
            enrollment=enrollment,
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        error = _refusal(exc)
    else:
        notice = _("Đã lưu")
    if not getattr(request, "htmx", False):
        if error:
            messages.error(request, f"{enrollment.person}: {error}")
        return redirect("assessment:grading", course_pk=enrollment.course_id)
    rule = selectors.rule_of(enrollment.course)
    row = next(
        r
        for r in selectors.result_rows(enrollment.course, rule)
        if r.enrollment.pk == enrollment.pk
    )
    context = {
        "row": row,
        "error": error,
        "notice": notice,
        "typed_score": request.POST.get("score", "") if error else None,
        "typed_comment": request.POST.get("comment", "") if error else None,
    }
    # 200 even for refused input: htmx swaps only successful responses.
    return render(request, "assessment/_grade_row.html", context)


# --- assignments ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    require_role(request.user, services.COLLECTORS)
    enrollment = _enrollment(request, enrollment_pk, services.COLLECTORS)
    form = SubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_submit(
                actor=request.user,
                enrollment=enrollment,
                text=form.cleaned_data["text"],
                file=form.cleaned_data["file"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(
                request, _("Đã nhận bài thu hoạch của %(n)s.") % {"n": enrollment.person}
            )
            return redirect("assessment:upload", course_pk=enrollment.course_id)
    context = {
        "form": form,
        "title": _("Nộp bài thu hoạch — %(n)s") % {"n": enrollment.person},
        "cancel_url": reverse("assessment:upload", kwargs={"course_pk": enrollment.course_id}),
        "submit": _("Lưu bài"),
    }
    return render(request, "courses/simple_form.html", context)


def _upload_pairs(
    request: HttpRequest, enrollments: list[Enrollment]
) -> list[tuple[Enrollment | None, UploadedFile]]:
    """Files of the upload form, each with its trainee: the row it was chosen on,
    or (for the many-files box) the CCCD/STT in its name."""
    pairs: list[tuple[Enrollment | None, UploadedFile]] = []
    by_pk = {e.pk: e for e in enrollments}
    for key in request.FILES:
        if key.startswith("file-"):
            upload = request.FILES.getlist(key)[-1]
            pk = parse_id(key.removeprefix("file-"))
            enrollment = by_pk.get(pk) if pk is not None else None
            if enrollment is None:
                raise Http404
            pairs.append((enrollment, upload))
    many = request.FILES.getlist("files")
    matched = services.match_files(enrollments, [f.name or "" for f in many])
    pairs.extend(zip(matched, many, strict=True))
    return pairs


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, course_pk: int) -> HttpResponse:
    """The secretary's page: who has submitted, and scans for many trainees at once."""
    course = _organised(request, course_pk, services.COLLECTORS)
    enrollments = list(selectors.course_enrollments(course))
    errors: list[str] = []
    if request.method == "POST":
        try:
            saved = services.assignments_upload(
                actor=request.user, course=course, files=_upload_pairs(request, enrollments)
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        else:
            messages.success(request, _("Đã nhận %(n)d bài thu hoạch.") % {"n": len(saved)})
            return redirect("assessment:upload", course_pk=course.pk)
    context = {"course": course, "enrollments": enrollments, "errors": errors}
    return render(request, "assessment/upload.html", context, status=422 if errors else 200)


@require_GET
def download(request: HttpRequest, enrollment_pk: int) -> FileResponse:
    """The file of a trainee's paper, through the gate (the paper's own scope)."""
    assignment_pk = (
        Assignment.objects.filter(enrollment_id=enrollment_pk).values_list("pk", flat=True).first()
    )
    assignment = get_for_user(Assignment.objects.all(), request.user, assignment_pk or 0)
    if not assignment.file:
        raise Http404(_("Bài này không có tệp."))
    name = assignment.file.name.rsplit("/", 1)[-1]
    response = FileResponse(assignment.file.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response
