from django.urls import path

from courses import views, views_catalog

app_name = "courses"
urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("new/", views.course_create, name="course_create"),
    path("clusters/new/", views.cluster_create, name="cluster_create"),
    path("<int:course_pk>/", views.course_detail, name="course_detail"),
    path("<int:course_pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:course_pk>/status/", views.course_transition, name="course_transition"),
    path("<int:course_pk>/clone/", views.course_clone, name="course_clone"),
    path("<int:course_pk>/feed/reset/", views.course_feed_reset, name="course_feed_reset"),
    path("<int:course_pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:session_pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:session_pk>/delete/", views.session_delete, name="session_delete"),
    path("<int:course_pk>/guests/new/", views.guest_create, name="guest_create"),
    path("guests/<int:guest_pk>/delete/", views.guest_delete, name="guest_delete"),
    path("topics/", views_catalog.topic_list, name="topic_list"),
    path("topics/new/", views_catalog.topic_create, name="topic_create"),
    path("topics/<int:topic_pk>/", views_catalog.topic_detail, name="topic_detail"),
    path("topics/<int:topic_pk>/edit/", views_catalog.topic_edit, name="topic_edit"),
    path("topics/<int:topic_pk>/materials/", views_catalog.material_upload, name="material_upload"),
    path("materials/<int:material_pk>/", views_catalog.material_download, name="material_download"),
    path("topics/options/", views_catalog.topic_options, name="topic_options"),
    path("lecturers/options/", views_catalog.lecturer_options, name="lecturer_options"),
    path("lecturers/", views_catalog.lecturer_list, name="lecturer_list"),
    path("lecturers/new/", views_catalog.lecturer_create, name="lecturer_create"),
    path("lecturers/<int:lecturer_pk>/", views_catalog.lecturer_detail, name="lecturer_detail"),
    path("lecturers/<int:lecturer_pk>/edit/", views_catalog.lecturer_edit, name="lecturer_edit"),
    path(
        "lecturers/<int:lecturer_pk>/feed/reset/",
        views_catalog.lecturer_feed_reset,
        name="lecturer_feed_reset",
    ),
]
