from django.urls import path

from nominations import views

app_name = "nominations"
urlpatterns = [
    path("mine/", views.my_courses, name="my_courses"),
    path("courses/<int:course_pk>/", views.course_page, name="course"),
    path("courses/<int:course_pk>/quotas/new/", views.quota_create, name="quota_create"),
    path("courses/<int:course_pk>/deadline/", views.deadline_set, name="deadline"),
    path("courses/<int:course_pk>/enroll/", views.enroll, name="enroll"),
    path("courses/<int:course_pk>/trainees.xlsx", views.trainees_xlsx, name="trainees_xlsx"),
    path("courses/<int:course_pk>/nominate/", views.nominate, name="nominate"),
    path(
        "courses/<int:course_pk>/nominate/new-person/",
        views.nominate_new_person,
        name="nominate_new_person",
    ),
    path("courses/<int:course_pk>/people/options/", views.person_options, name="person_options"),
    path("quotas/<int:quota_pk>/edit/", views.quota_edit, name="quota_edit"),
    path("quotas/<int:quota_pk>/delete/", views.quota_delete, name="quota_delete"),
    path("<int:nomination_pk>/approve/", views.nomination_approve, name="approve"),
    path("<int:nomination_pk>/reject/", views.nomination_reject, name="reject"),
    path("<int:nomination_pk>/withdraw/", views.nomination_withdraw, name="withdraw"),
    path(
        "enrollments/<int:enrollment_pk>/withdraw/",
        views.enrollment_withdraw,
        name="enrollment_withdraw",
    ),
]
