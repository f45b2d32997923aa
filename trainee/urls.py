from django.urls import path

from trainee import views

app_name = "trainee"
urlpatterns = [
    path("", views.home, name="home"),
    path("lop/<int:enrollment_pk>/bai/", views.submit, name="submit"),
    path("lop/<int:enrollment_pk>/tai-lieu/<int:material_pk>/", views.material, name="material"),
    path(
        "lop/<int:enrollment_pk>/gcn/<int:certificate_pk>/",
        views.certificate,
        name="certificate",
    ),
    path("l/<str:link>/", views.link_home, name="link_home"),
    path("l/<str:link>/lop/<int:enrollment_pk>/bai/", views.link_submit, name="link_submit"),
    path(
        "l/<str:link>/lop/<int:enrollment_pk>/tai-lieu/<int:material_pk>/",
        views.link_material,
        name="link_material",
    ),
    path(
        "l/<str:link>/lop/<int:enrollment_pk>/gcn/<int:certificate_pk>/",
        views.link_certificate,
        name="link_certificate",
    ),
    path("ho-so/<int:person_pk>/", views.person_access, name="person_access"),
]
