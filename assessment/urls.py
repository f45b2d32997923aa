from django.urls import path

from assessment import views

app_name = "assessment"
urlpatterns = [
    path("courses/<int:course_pk>/", views.results, name="results"),
    path("courses/<int:course_pk>/compute/", views.compute, name="compute"),
    path("courses/<int:course_pk>/rule/", views.rule_set, name="rule"),
    path("courses/<int:course_pk>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("courses/<int:course_pk>/grading/", views.grading, name="grading"),
    path("courses/<int:course_pk>/upload/", views.upload, name="upload"),
    path("enrollments/<int:enrollment_pk>/grade/", views.grade, name="grade"),
    path("enrollments/<int:enrollment_pk>/submit/", views.submit, name="submit"),
    path("enrollments/<int:enrollment_pk>/override/", views.override, name="override"),
    path("enrollments/<int:enrollment_pk>/file/", views.download, name="download"),
]
