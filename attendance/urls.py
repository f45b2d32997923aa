from django.urls import path

from attendance import views

app_name = "attendance"
urlpatterns = [
    path("sessions/<int:session_pk>/", views.session_page, name="session"),
    path(
        "sessions/<int:session_pk>/enrollments/<int:enrollment_pk>/mark/",
        views.mark,
        name="mark",
    ),
    path("sessions/<int:session_pk>/mark-all/", views.mark_all, name="mark_all"),
    path("sessions/<int:session_pk>/paper/", views.paper, name="paper"),
    path("sessions/<int:session_pk>/sign-sheet.pdf", views.sign_sheet_pdf, name="sign_sheet"),
    path("courses/<int:course_pk>/", views.grid, name="grid"),
    path("courses/<int:course_pk>/badges.pdf", views.badges_pdf, name="badges"),
    path(
        "enrollments/<int:enrollment_pk>/badge/reissue/",
        views.badge_reissue,
        name="badge_reissue",
    ),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
]
