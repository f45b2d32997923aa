from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("courses/<int:course_pk>/", views.register, name="register"),
    path("courses/<int:course_pk>/register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("courses/<int:course_pk>/issue/", views.batch_create, name="batch_create"),
    path("batches/<int:batch_pk>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:batch_pk>/certificates.pdf", views.batch_pdf, name="batch_pdf"),
    path("batches/<int:batch_pk>/certificates.zip", views.batch_zip, name="batch_zip"),
    path("<int:certificate_pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("<int:certificate_pk>/revoke/", views.revoke, name="revoke"),
    path("<int:certificate_pk>/reissue/", views.reissue, name="reissue"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
