from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("<int:org_pk>/", views.organization_detail, name="detail"),
    path("<int:org_pk>/edit/", views.organization_edit, name="edit"),
    path("<int:org_pk>/rename/", views.organization_rename, name="rename"),
]
