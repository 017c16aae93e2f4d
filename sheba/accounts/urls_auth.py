from django.urls import path

from sheba.accounts import views_auth

# register -> OTP -> MPIN; login (+ OTP on a new device); forgotten MPIN; change of mobile; logout
urlpatterns = [
    path("register/", views_auth.register, name="register"),
    path("register/code/", views_auth.register_verify, name="register_verify"),
    path("register/mpin/", views_auth.register_mpin, name="register_mpin"),
    path("login/", views_auth.login, name="login"),
    path("login/code/", views_auth.login_verify, name="login_verify"),
    path("logout/", views_auth.logout, name="logout"),
    path("mpin/forgot/", views_auth.mpin_forgot, name="mpin_forgot"),
    path("mpin/forgot/code/", views_auth.mpin_forgot_verify, name="mpin_forgot_verify"),
    path("mpin/forgot/identity/", views_auth.mpin_forgot_identity, name="mpin_forgot_identity"),
    path("mpin/forgot/new/", views_auth.mpin_forgot_new, name="mpin_forgot_new"),
    path("mobile/change/", views_auth.change_mobile, name="change_mobile"),
    path("mobile/change/code/", views_auth.change_mobile_verify, name="change_mobile_verify"),
]
