from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("geo/", include("geo.urls")),
    path("orgs/", include("orgs.urls")),
    path("plans/", include("planning.urls")),
    path("courses/", include("courses.urls")),
    path("people/", include("people.urls")),
    path("nominations/", include("nominations.urls")),
    path("imports/", include("ingest.urls")),
    path("attendance/", include("attendance.urls")),
    path("assessment/", include("assessment.urls")),
    path("certificates/", include("certificates.urls")),
    path("feedback/", include("feedback.urls")),
    path("hoc-vien/", include("trainee.urls")),
    path("stats/", include("stats.urls")),
    path("tin-tuc/", include("news.urls")),
    path("calendar/", include("courses.urls_calendar")),
    path("exports/", include("courses.urls_exports")),
    path("feeds/", include("courses.urls_feeds")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
