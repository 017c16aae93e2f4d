from django.urls import path

from sheba.portals import views

app_name = "portals"
urlpatterns = [
    path("", views.union_list, name="list"),
    path("<slug:slug>/", views.union_home, name="home"),
]
