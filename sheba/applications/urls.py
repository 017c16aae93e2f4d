from django.urls import path

from sheba.applications import views

app_name = "applications"
urlpatterns = [
    path("status/", views.status, name="status"),
    path("mine/", views.mine, name="mine"),
    path("apply/<slug:slug>/", views.start, name="start"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
]
