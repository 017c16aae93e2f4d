from django.urls import path

from sheba.accounts import views_session

# idle-session keepalive (a real user action) and status (polling that must not extend the session)
urlpatterns = [
    path("session/keepalive/", views_session.keepalive, name="keepalive"),
    path("session/status/", views_session.session_status, name="session_status"),
]
