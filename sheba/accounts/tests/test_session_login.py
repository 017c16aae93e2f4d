"""A new session id at every login, logout kills the server session, and the idle logout
form lands on the right login page (SECURITY.md "Sessions")."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from sheba.accounts import services
from sheba.accounts.models import SessionRecord, User, UserKind
from sheba.browser_tests.helpers import totp_now
from sheba.core.tests.test_pages_every_page import make_officer

pytestmark = pytest.mark.django_db

MOBILE = "+8801712345678"
MPIN = "493817"


@pytest.fixture
def citizen_on_known_device():
    user = User.objects.create_user(MOBILE, MPIN, kind=UserKind.CITIZEN, mobile=MOBILE)
    client = Client()
    client.cookies[services.DEVICE_COOKIE] = services.device_remember(user=user, token=None)
    return user, client


def _anonymous_session_key(client: Client) -> str:
    session = client.session  # an anonymous session exists before login (e.g. a half-done form)
    session["before_login"] = True
    session.save()
    return session.session_key


def test_citizen_login_gets_a_new_session_id(citizen_on_known_device):
    user, client = citizen_on_known_device
    before = _anonymous_session_key(client)
    response = client.post(reverse("accounts:login"), {"mobile": "01712345678", "mpin": MPIN})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert isinstance(client.session["auth_started_at"], float)
    assert SessionRecord.objects.filter(user=user, session_key=after).exists()


def test_logout_kills_the_server_session_and_the_old_cookie_is_worthless(citizen_on_known_device):
    user, client = citizen_on_known_device
    client.post(reverse("accounts:login"), {"mobile": "01712345678", "mpin": MPIN})
    old = client.cookies["sessionid"].value
    assert client.get(reverse("accounts:dashboard")).status_code == 200

    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=old).exists()
    assert not SessionRecord.objects.filter(session_key=old).exists()

    thief = Client()
    thief.cookies["sessionid"] = old
    response = thief.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_needs_post(citizen_on_known_device):
    user, client = citizen_on_known_device
    client.post(reverse("accounts:login"), {"mobile": "01712345678", "mpin": MPIN})
    client.get(reverse("accounts:logout"))  # a link or a prefetch logs nobody out
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_idle_logout_form_lands_on_the_login_page(citizen_on_known_device):
    user, client = citizen_on_known_device
    client.post(reverse("accounts:login"), {"mobile": "01712345678", "mpin": MPIN})
    response = client.post(reverse("accounts:logout"), {"reason": "idle"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_officer_login_gets_a_new_session_id_at_each_step():
    officer, device = make_officer("uno.session")
    client = Client()
    before = _anonymous_session_key(client)
    client.post(reverse("officer:login"), {"username": "uno.session", "password": "a long officer password 1"})
    middle = client.cookies["sessionid"].value
    assert middle != before
    response = client.post(reverse("officer:totp"), {"code": totp_now(device)})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after not in (before, middle)
    assert not Session.objects.filter(session_key__in=[before, middle]).exists()
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert isinstance(client.session["auth_started_at"], float)


def test_officer_idle_logout_form_lands_on_the_officer_login():
    officer, device = make_officer("uno.idle")
    client = Client()
    client.post(reverse("officer:login"), {"username": "uno.idle", "password": "a long officer password 1"})
    client.post(reverse("officer:totp"), {"code": totp_now(device)})
    response = client.post(reverse("accounts:logout"), {"reason": "idle"})
    assert response["Location"] == reverse("officer:login")
