"""The calendar: a month of classes and sessions, and a week of sessions by half-day.

Everything comes through the scoped selectors, so a lecturer sees the sessions
they teach and a committee its territory's classes. A bad `?month=` or
`?date=` answers 400 with a message and the current month or week.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.roles import COURSE_READERS
from core.scope import require_role
from courses import calendar, html, selectors
from people.models import Lecturer

# The same readers as the class list: the calendar shows nothing else.


@require_GET
def month(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COURSE_READERS)
    today = timezone.localdate()
    first, error = calendar.resolve_month(request.GET.get("month"), today=today)
    start, end = calendar.month_span(first)
    since, until = calendar.local_bounds(start, end)
    grid = calendar.month_grid(
        first,
        today=today,
        courses=selectors.month_courses(user=request.user, start=start, end=end),
        sessions=selectors.month_sessions(user=request.user, start=since, end=until),
    )
    # The cells are written in Python: an administrator's month holds hundreds of
    # classes and sessions, each a dozen template look-ups.
    context = {"grid": grid, "error": error, "today": today, "body": html.month_body(grid)}
    return render(request, "calendar/month.html", context, status=400 if error else 200)


@require_GET
def week(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COURSE_READERS)
    today = timezone.localdate()
    day, error = calendar.resolve_day(request.GET.get("date"), today=today)
    monday = calendar.week_start(day)
    sunday = monday + calendar.ONE_WEEK - calendar.ONE_DAY
    since, until = calendar.local_bounds(monday, sunday)
    sessions = selectors.sessions_between(user=request.user, start=since, end=until)
    grid = calendar.week_grid(
        day,
        today=today,
        courses=selectors.courses_between(user=request.user, start=monday, end=sunday),
        sessions=sessions.prefetch_related(
            Prefetch("lecturers", queryset=Lecturer.objects.select_related("person"))
        ),
    )
    context = {"grid": grid, "error": error, "today": today}
    return render(request, "calendar/week.html", context, status=400 if error else 200)
