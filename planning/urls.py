from django.urls import path

from planning import views

app_name = "planning"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:plan_pk>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:plan_pk>/attachment/", views.plan_attachment, name="plan_attachment"),
]
