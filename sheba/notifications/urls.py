from django.urls import path

from sheba.core import views

app_name = "notifications"
urlpatterns = [
    path("outbox/", views.home, name="outbox"),
]
