from django.urls import path

from ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.job_create, name="job_create"),
    path("template.xlsx", views.template_download, name="template_download"),
    path("<int:job_pk>/", views.job_detail, name="job_detail"),
    path("<int:job_pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:job_pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("<int:job_pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("<int:job_pk>/errors.xlsx", views.job_error_report, name="job_error_report"),
]
