from django.urls import path

from sheba.accounts import views_officer

app_name = "officer"
urlpatterns = [
    path("login/", views_officer.placeholder, name="login"),
    path("", views_officer.placeholder, name="dashboard"),
]
