from django.urls import URLPattern, path

from courses import calendar_views

app_name = "calendar"
urlpatterns: list[URLPattern] = [
    path("", calendar_views.month, name="month"),
    path("week/", calendar_views.week, name="week"),
]
