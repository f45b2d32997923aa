from django.urls import path

from stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("years.xlsx", views.years_xlsx, name="years_xlsx"),
    path("plans.xlsx", views.plans_xlsx, name="plans_xlsx"),
    path("breakdown/", views.breakdown, name="breakdown"),
    path("breakdown.xlsx", views.breakdown_xlsx, name="breakdown_xlsx"),
    path("lecturers/", views.lecturers, name="lecturers"),
    path("lecturers.xlsx", views.lecturers_xlsx, name="lecturers_xlsx"),
    path("rosters/<int:roster_pk>/", views.roster_coverage, name="roster_coverage"),
    path(
        "rosters/<int:roster_pk>/coverage.xlsx",
        views.roster_coverage_xlsx,
        name="roster_coverage_xlsx",
    ),
    path(
        "rosters/<int:roster_pk>/untrained.xlsx",
        views.roster_untrained_xlsx,
        name="roster_untrained_xlsx",
    ),
    path("report/", views.report_page, name="report"),
    path("report/download/", views.report_download, name="report_download"),
]
