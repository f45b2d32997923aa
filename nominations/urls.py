from django.urls import path

app_name = "nominations"

urlpatterns: list[path] = []  # type: ignore[valid-type]
