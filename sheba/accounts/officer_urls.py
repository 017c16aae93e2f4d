from django.urls import path

from sheba.accounts import views

app_name = "officer"
urlpatterns = [
    path("login/", views.placeholder, name="login"),
    path("", views.placeholder, name="dashboard"),
]
