from django.urls import path

from sheba.accounts import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.placeholder, name="register"),
    path("login/", views.placeholder, name="login"),
    path("logout/", views.placeholder, name="logout"),
    path("keepalive/", views.placeholder, name="keepalive"),
    path("dashboard/", views.placeholder, name="dashboard"),
    path("profile/", views.placeholder, name="profile"),
]
