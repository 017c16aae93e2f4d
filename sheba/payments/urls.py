from django.urls import path

from sheba.payments import views

app_name = "payments"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/pay/", views.pay, name="pay"),
    path("<uuid:public_id>/receipt.pdf", views.receipt, name="receipt"),
    path("fee/<uuid:application_id>/", views.fee_pay, name="fee_pay"),
    path("gateway/ipn/", views.ipn, name="ipn"),
    path("gateway/return/<slug:kind>/", views.gateway_return, name="return"),
]
