from django.urls import path

from people import categories, views, views_rosters

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("export.xlsx", views.person_export, name="person_export"),
    path("new/", views.person_create, name="person_create"),
    path("units/", views.unit_options, name="unit_options"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("<int:person_pk>/", views.person_detail, name="person_detail"),
    path("<int:person_pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:person_pk>/merge/<int:other_pk>/", views.person_merge, name="person_merge"),
    path("categories/", categories.category_list, name="category_list"),
    path("categories/new/", categories.category_edit, name="category_create"),
    path("categories/<int:category_pk>/edit/", categories.category_edit, name="category_edit"),
    path("rosters/", views_rosters.roster_list, name="roster_list"),
    path("rosters/new/", views_rosters.roster_create, name="roster_create"),
    path("rosters/<int:roster_pk>/", views_rosters.roster_detail, name="roster_detail"),
    path("rosters/<int:roster_pk>/edit/", views_rosters.roster_edit, name="roster_edit"),
    path("rosters/<int:roster_pk>/add/", views_rosters.roster_add, name="roster_add"),
    path("rosters/<int:roster_pk>/remove/", views_rosters.roster_remove, name="roster_remove"),
    path(
        "rosters/<int:roster_pk>/coverage/", views_rosters.roster_coverage, name="roster_coverage"
    ),
    path(
        "rosters/<int:roster_pk>/coverage.xlsx",
        views_rosters.roster_coverage_xlsx,
        name="roster_coverage_xlsx",
    ),
    path(
        "rosters/<int:roster_pk>/members.xlsx",
        views_rosters.roster_members_xlsx,
        name="roster_members_xlsx",
    ),
]
