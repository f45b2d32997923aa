from django.urls import URLPattern, path

from courses import exports

app_name = "feeds"
urlpatterns: list[URLPattern] = [
    path("course/<str:token>.ics", exports.course_ics, name="course_ics"),
    path("lecturer/<str:token>.ics", exports.lecturer_ics, name="lecturer_ics"),
]
