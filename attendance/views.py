"""Pages of attendance: the session table (htmx rows), the class grid, the
paper sheet, the PDFs (sign-in sheet, badges) and the QR check-in.

Every page is for the committee and the class secretaries (`ATTENDANCE_ROLES`)
of the class's territory: another role gets 403, another territory 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance import documents, selectors, services
from attendance.forms import MarkForm, paper_marks
from attendance.models import Badge, Mark
from attendance.services import ATTENDANCE_ROLES
from core.scope import get_for_user, get_in_territory, require_role
from courses.models import Course, Session
from nominations.models import Enrollment, EnrollmentStatus


def _session(request: HttpRequest, session_pk: int) -> Session:
    return get_in_territory(
        Session.objects.select_related("course", "course__owner", "topic"),
        request.user,
        session_pk,
        ATTENDANCE_ROLES,
    )


def _course(request: HttpRequest, course_pk: int) -> Course:
    return get_in_territory(
        Course.objects.select_related("owner"), request.user, course_pk, ATTENDANCE_ROLES
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc)
    return " ".join(exc.messages)


@require_GET
def session_page(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = _session(request, session_pk)
    rows = selectors.session_rows(session)
    return render(
        request,
        "attendance/session.html",
        {
            "session": session,
            "course": session.course,
            "rows": rows,
            "marks": Mark.choices,
            "marked": sum(1 for r in rows if r.attendance is not None),
        },
    )


@require_POST
def mark(request: HttpRequest, session_pk: int, enrollment_pk: int) -> HttpResponse:
    """One row's change (htmx): saves the mark and returns the row."""
    session = _session(request, session_pk)
    enrollment = get_for_user(
        Enrollment.objects.select_related("person", "person__organization", "unit").filter(
            course=session.course
        ),
        request.user,
        enrollment_pk,
    )
    form = MarkForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.attendance_mark(
                actor=request.user,
                session=session,
                enrollment=enrollment,
                mark=form.cleaned_data["mark"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            error = _refusal(exc)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    row = selectors.session_row(session, enrollment)
    number = request.POST.get("n", "")
    context = {
        "session": session,
        "row": row,
        "marks": Mark.choices,
        "error": error,
        # The row's number in the table, sent back by the row itself.
        "number": number if number.isdigit() else "",
    }
    if error:
        # Keep what was typed so the secretary can add the missing reason.
        context |= {
            "typed_mark": request.POST.get("mark", ""),
            "typed_reason": request.POST.get("reason", ""),
        }
    if getattr(request, "htmx", False):
        # 200 even on refusal: htmx swaps the row, which shows the message.
        return render(request, "attendance/_row.html", context)
    if error:
        messages.error(request, error)
    return redirect("attendance:session", session_pk=session.pk)


@require_POST
def mark_all(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = _session(request, session_pk)
    try:
        n = services.mark_all_present(actor=request.user, session=session)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã điểm danh có mặt %(n)d học viên.") % {"n": n})
    return redirect("attendance:session", session_pk=session.pk)


@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest, session_pk: int) -> HttpResponse:
    """Enter the signed paper sheet on one screen (source=paper)."""
    session = _session(request, session_pk)
    rows = selectors.session_rows(session)
    errors: list[str] = []
    typed: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        typed = paper_marks(request.POST, [r.enrollment.pk for r in rows])
        try:
            n = services.paper_sheet_enter(actor=request.user, session=session, marks=typed)
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        else:
            messages.success(request, _("Đã nhập danh sách ký tên của %(n)d học viên.") % {"n": n})
            return redirect("attendance:session", session_pk=session.pk)
    for row in rows:
        current = row.attendance
        mark_, reason = typed.get(
            row.enrollment.pk,
            (current.mark, current.reason) if current else (Mark.PRESENT, ""),
        )
        row.typed_mark, row.typed_reason = mark_, reason  # type: ignore[attr-defined]
    return render(
        request,
        "attendance/paper.html",
        {
            "session": session,
            "course": session.course,
            "rows": rows,
            "marks": Mark.choices,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@require_GET
def grid(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk)
    context = selectors.course_grid(course) | {"course": course}
    return render(request, "attendance/grid.html", context)


@require_GET
def sign_sheet_pdf(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = _session(request, session_pk)
    enrollments = list(selectors.enrolled(session.course))
    return _pdf(
        documents.sign_sheet_pdf(session, enrollments),
        documents.filename("danh-sach-ky-ten-buoi", session.pk),
    )


@require_GET
def badges_pdf(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk)
    badges = services.badges_for(actor=request.user, course=course)

    def url_of(badge: Badge) -> str:
        return request.build_absolute_uri(
            reverse("attendance:checkin", kwargs={"token": services.badge_token(badge)})
        )

    return _pdf(
        documents.badges_pdf(course, badges, url_of), documents.filename("the-lop", course.pk)
    )


@require_POST
def badge_reissue(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    enrollment = get_in_territory(
        Enrollment.objects.select_related("person", "course").filter(
            status=EnrollmentStatus.ENROLLED
        ),
        request.user,
        enrollment_pk,
        ATTENDANCE_ROLES,
    )
    services.badge_reissue(actor=request.user, enrollment=enrollment)
    messages.success(
        request,
        _("Đã cấp thẻ mới cho %(name)s; thẻ cũ không còn dùng được.")
        % {"name": enrollment.person.full_name},
    )
    return redirect("attendance:grid", course_pk=enrollment.course_id)


@require_GET
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """Opened by scanning a badge: marks the trainee at the class's current session.

    A GET that writes, because a phone camera only opens the URL; the token is
    an unguessable signed credential and the user must be signed in and allowed
    to take attendance in the class.
    """
    require_role(request.user, ATTENDANCE_ROLES)
    try:
        badge = services.badge_from_token(token)
    except services.BadToken:
        return render(
            request,
            "attendance/checkin.html",
            {"error": _("Mã QR không hợp lệ hoặc thẻ đã được cấp lại. Không điểm danh.")},
            status=404,
        )
    # Outside the user's territory: 404, like any object.
    course = get_in_territory(
        Course.objects.select_related("owner"),
        request.user,
        badge.enrollment.course_id,
        ATTENDANCE_ROLES,
    )
    context: dict[str, object] = {"course": course, "enrollment": badge.enrollment}
    try:
        result = services.check_in(actor=request.user, badge=badge)
    except (ValidationError, PermissionDenied) as exc:
        # A refusal is a normal answer of the scan (nothing was marked).
        context["error"] = _refusal(exc)
        return render(request, "attendance/checkin.html", context)
    context |= {"attendance": result.attendance, "session": result.session}
    return render(request, "attendance/checkin.html", context)
