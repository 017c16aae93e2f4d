from django.urls import path

from sheba.notifications import views

app_name = "notifications"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("receipts/sms/", views.sms_receipt, name="sms_receipt"),
]
