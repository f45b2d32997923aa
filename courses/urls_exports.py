from django.urls import URLPattern, path

from courses import exports

app_name = "exports"
urlpatterns: list[URLPattern] = [
    path("courses/<int:course_pk>/programme.pdf", exports.programme_pdf, name="programme_pdf"),
    path("courses.xlsx", exports.course_list_xlsx, name="course_list_xlsx"),
]
