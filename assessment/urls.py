from django.urls import path

app_name = "assessment"

urlpatterns: list[path] = []  # type: ignore[valid-type]
