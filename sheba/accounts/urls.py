"""Citizen-facing account URLs. Each part lives in its own module (auth, profile, session)."""

from sheba.accounts import urls_auth, urls_profile, urls_session

app_name = "accounts"
urlpatterns = urls_auth.urlpatterns + urls_profile.urlpatterns + urls_session.urlpatterns
