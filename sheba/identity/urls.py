from django.urls import path

from sheba.identity import views

app_name = "identity"
urlpatterns = [
    path("files/<uuid:public_id>/check-again/", views.check_again, name="check_again"),
]
