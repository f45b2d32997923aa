"""Pages of the feedback survey (thin: the rules are in services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.scope import get_in_territory, require_role
from courses.models import Course
from feedback import selectors, services
from feedback.models import MAX_SCORE, MIN_SCORE, Source, SurveyResponse
from nominations.models import Enrollment

SCORES = list(range(MIN_SCORE, MAX_SCORE + 1))


def _course(request: HttpRequest, course_pk: int) -> Course:
    # The class's own territory: not a class the user only lectures in.
    return get_in_territory(
        Course.objects.select_related("owner"), request.user, course_pk, services.COLLECTORS
    )


def _refusal(exc: ValidationError | PermissionDenied) -> list[str]:
    return [str(exc)] if isinstance(exc, PermissionDenied) else list(exc.messages)


def _form_context(items: list[selectors.SurveyItem], data: Any) -> dict[str, Any]:
    rows = [{"item": item, "value": str(data.get(item.name, ""))} for item in items]
    return {
        "rows": rows,
        "scores": SCORES,
        "organisation": str(data.get(services.ORGANISATION, "")),
        "comment": str(data.get("comment", "")),
    }


@require_GET
def summary(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk)
    context = {"course": course, "summary": selectors.course_summary(course, user=request.user)}
    return render(request, "feedback/summary.html", context)


@require_GET
def links(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk)
    rows = []
    for number, enrollment in enumerate(selectors.course_enrollments(course), start=1):
        path = reverse("feedback:answer", kwargs={"token": selectors.survey_token(enrollment)})
        rows.append(
            {
                "number": number,
                "enrollment": enrollment,
                "url": request.build_absolute_uri(path),
                "response": getattr(enrollment, "survey_response", None),
            }
        )
    return render(request, "feedback/links.html", {"course": course, "rows": rows})


@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    """The paper survey of one trainee, typed in by the secretary or committee."""
    require_role(request.user, services.COLLECTORS)
    enrollment = (
        Enrollment.objects.select_related("person", "course").filter(pk=enrollment_pk).first()
    )
    course = _course(request, enrollment.course_id if enrollment else 0)
    assert enrollment is not None
    enrollment.course = course
    response = SurveyResponse.objects.filter(enrollment=enrollment).first()
    items = selectors.survey_items(course)
    errors: list[str] = []
    data: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            services.response_submit(
                actor=request.user,
                enrollment=enrollment,
                source=Source.PAPER,
                data=request.POST,
                items=items,
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _refusal(exc)
        else:
            messages.success(
                request, _("Đã ghi phiếu đánh giá của %(n)s.") % {"n": enrollment.person}
            )
            return redirect("feedback:links", course_pk=course.pk)
    context = {
        "course": course,
        "enrollment": enrollment,
        "response": response,
        "errors": errors,
        **_form_context(items, data),
    }
    return render(request, "feedback/enter.html", context, status=400 if errors else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The trainee's own survey, reached by the personal link (no account)."""
    enrollment = selectors.enrollment_for_token(token)
    if enrollment is None:
        raise Http404(_("Đường dẫn phiếu đánh giá không đúng."))
    answered = SurveyResponse.objects.filter(enrollment=enrollment).exists()
    items = selectors.survey_items(enrollment.course)
    errors: list[str] = []
    done = False
    data: Any = {}
    if request.method == "POST" and answered:
        errors = [services.already_answered(enrollment)]
    elif request.method == "POST":
        data = request.POST
        try:
            services.response_submit(
                actor=None, enrollment=enrollment, source=Source.LINK, data=data, items=items
            )
        except ValidationError as exc:
            errors = list(exc.messages)
            answered = SurveyResponse.objects.filter(enrollment=enrollment).exists()
        else:
            done = answered = True
    context = {
        "course": enrollment.course,
        "enrollment": enrollment,
        "answered": answered,
        "done": done,
        "errors": errors,
        **_form_context(items, data),
    }
    return render(request, "feedback/answer.html", context, status=400 if errors else 200)
