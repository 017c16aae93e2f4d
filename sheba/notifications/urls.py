from django.urls import path

from sheba.accounts import views

app_name = "notifications"
urlpatterns = [
    path("outbox/", views.placeholder, name="outbox"),
]
