from django.urls import path

from sheba.accounts import views_session

# idle-session keepalive (a real user action) and status (polling that must not extend the session)
urlpatterns = [
    path("keepalive/", views_session.placeholder, name="keepalive"),
]
