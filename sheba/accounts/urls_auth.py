from django.urls import path

from sheba.accounts import views_auth

# register -> OTP -> MPIN; login (+ OTP on a new device); forgotten MPIN; change of mobile; logout
urlpatterns = [
    path("register/", views_auth.placeholder, name="register"),
    path("login/", views_auth.placeholder, name="login"),
    path("logout/", views_auth.placeholder, name="logout"),
]
