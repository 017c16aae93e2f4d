from django.urls import path

from sheba.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("<slug:slug>/", views.service_detail, name="detail"),
]
