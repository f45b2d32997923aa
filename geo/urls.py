from django.urls import path

from geo import views

app_name = "geo"
urlpatterns = [
    path("", views.unit_browser, name="unit_browser"),
    path("units/<int:unit_pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_pk>/villages/", views.village_create, name="village_create"),
    path("picker/", views.unit_picker, name="unit_picker"),
]
