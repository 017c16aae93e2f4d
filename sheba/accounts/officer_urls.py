from django.urls import path

from sheba.accounts import views_officer

app_name = "officer"
urlpatterns = [
    path("login/", views_officer.officer_login, name="login"),
    path("login/code/", views_officer.officer_totp, name="totp"),
    path("", views_officer.officer_dashboard, name="dashboard"),
]
