"""Downloads of classes: the printable programme (PDF), the class list (XLSX)
and the calendar feeds (iCal).

The feeds are public because calendar applications cannot sign in: the
unguessable feed token (256 bits, `core.tokens.new_token`) is the credential.
Everything else goes through the scope gate like any page.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.roles import COURSE_READERS
from core.scope import get_for_user, require_role
from courses import documents, ical, selectors, xlsx
from courses.forms import CourseFilterForm
from courses.models import Course, Session, SessionLecturer
from people.models import Lecturer

# new_token() output: 32 random bytes, URL-safe base64 without padding.
FEED_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Who may read the class list (the same roles as the list page).


def _download(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    # Scoped data: never in a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def programme_pdf(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = get_for_user(
        Course.objects.select_related("owner", "venue_unit").prefetch_related(
            "owner__names", "co_organizers", "audience"
        ),
        request.user,
        course_pk,
    )
    return _download(
        documents.programme_pdf(course),
        "application/pdf",
        documents.programme_filename(course),
        inline=True,
    )


@require_GET
def course_list_xlsx(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COURSE_READERS)
    # The list page's own filter form: the file holds exactly what the page lists.
    form = CourseFilterForm(request.GET or None, user=request.user)
    courses = selectors.course_list(user=request.user, filters=form.to_filters())
    filename = f"danh-sach-lop-{timezone.localdate():%Y%m%d}.xlsx"
    return _download(
        xlsx.course_table(courses.iterator(chunk_size=500)), XLSX_TYPE, filename, inline=False
    )


# --- calendar feeds (public, token-authenticated) --------------------------------------


def _check_token(token: str) -> None:
    if not FEED_TOKEN_RE.fullmatch(token):
        raise Http404(_("Không tìm thấy lịch."))


def _calendar(request: HttpRequest, feed: ical.Feed, filename: str) -> HttpResponse:
    """The feed, or 304 Not Modified when the client's copy has the same events."""
    response = HttpResponse(feed.content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename) or ""
    # The URL is a credential: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    # The ETag hashes the events (not DTSTAMP): a polling calendar that has them
    # already gets an empty 304 instead of the whole programme again.
    response["ETag"] = feed.etag
    conditional = get_conditional_response(request, etag=feed.etag, response=response)
    return conditional if conditional is not None else response


@login_not_required
@require_GET
def course_ics(request: HttpRequest, token: str) -> HttpResponse:
    _check_token(token)
    course = Course.objects.filter(feed_token=token).only("pk", "title").first()
    if course is None:
        raise Http404(_("Không tìm thấy lịch."))
    sessions = selectors.feed_sessions(Session.objects.filter(course_id=course.pk))
    return _calendar(
        request,
        ical.course_calendar(course.title, sessions, request.build_absolute_uri),
        f"lop-{course.pk}.ics",
    )


@login_not_required
@require_GET
def lecturer_ics(request: HttpRequest, token: str) -> HttpResponse:
    _check_token(token)
    lecturer = (
        Lecturer.objects.select_related("person")
        .only("pk", "academic_title", "person__full_name")
        .filter(feed_token=token)
        .first()
    )
    if lecturer is None:
        raise Http404(_("Không tìm thấy lịch."))
    sessions = selectors.feed_sessions(
        Session.objects.filter(
            pk__in=SessionLecturer.objects.filter(lecturer=lecturer).values("session_id")
        )
    )
    return _calendar(
        request,
        ical.lecturer_calendar(lecturer.display_name, sessions, request.build_absolute_uri),
        f"lich-giang-{lecturer.pk}.ics",
    )
