from django.urls import path

from sheba.bench import views

urlpatterns = [
    path("bare/page/", views.bare_page),
    path("bare/select/", views.bare_select),
    path("bare/insert/", views.bare_insert),
]
