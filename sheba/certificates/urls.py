from django.urls import path

from sheba.certificates import views

app_name = "certificates"
urlpatterns = [
    path("keys.json", views.keys_json, name="keys"),
    path("verify/", views.verify, name="verify"),
    path("<uuid:public_id>/", views.certificate_detail, name="detail"),
    path("<uuid:public_id>/pdf/", views.certificate_pdf, name="pdf"),
]
