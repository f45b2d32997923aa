from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("courses/<int:course_pk>/", views.summary, name="summary"),
    path("courses/<int:course_pk>/links/", views.links, name="links"),
    path("enrollments/<int:enrollment_pk>/", views.enter, name="enter"),
    path("s/<str:token>/", views.answer, name="answer"),
]
