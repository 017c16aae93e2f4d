from django.urls import path

from sheba.billpay import views

app_name = "billpay"

urlpatterns = [
    path("", views.index, name="index"),
    path("accounts/add/", views.account_add, name="account_add"),
    path("accounts/<uuid:public_id>/", views.account, name="account"),
    path("accounts/<uuid:public_id>/pay/", views.account_pay, name="account_pay"),
    path("accounts/<uuid:public_id>/remove/", views.account_remove, name="account_remove"),
    path("payments/", views.history, name="history"),
    path("payments/<uuid:public_id>/", views.payment, name="payment"),
    path("payments/<uuid:public_id>/receipt.pdf", views.payment_receipt, name="payment_receipt"),
    path("counter/", views.counter, name="counter"),
    path("counter/payments/<uuid:public_id>/", views.counter_receipt, name="counter_receipt"),
    path("counter/payments/<uuid:public_id>/receipt.pdf", views.counter_receipt_pdf, name="counter_receipt_pdf"),
]
