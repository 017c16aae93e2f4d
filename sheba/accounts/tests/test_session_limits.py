"""Session limits (SECURITY.md "Sessions"): idle 330 s, polling does not extend, keepalive does,
absolute 12 h citizens / 8 h officers, logout kills the server session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from sheba.accounts.models import User, UserKind

START = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
IDLE_MESSAGE_BN = "নিষ্ক্রিয় থাকায় আপনাকে লগ আউট করা হয়েছে। আবার লগ ইন করুন।"
IDLE_MESSAGE_EN = "You were logged out because you were inactive for too long. Please log in again."
ABSOLUTE_MESSAGE_EN = "Your session reached its time limit and has ended. Please log in again."

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _user(kind=UserKind.CITIZEN, username="+8801712345678"):
    mobile = username if kind == UserKind.CITIZEN else None
    return User.objects.create_user(username, "x" * 20 if kind == UserKind.OFFICER else None, kind=kind, mobile=mobile)


def _logged_in(user, clock) -> Client:
    """A client whose session was started now, as sheba.accounts.sessions.session_started does."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["auth_started_at"] = START.timestamp()
    session.save()
    assert client.get(reverse("core:home")).status_code == 200  # first page after login
    return client


def _is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def citizen():
    return _user()


@pytest.fixture
def officer():
    return _user(UserKind.OFFICER, "uno.demo")


def test_idle_329_seconds_is_still_logged_in(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(329)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert response.context["user"] == citizen
    assert _is_logged_in(client)


def test_idle_331_seconds_logs_out_to_login_with_next_and_message(citizen, clock):
    client = _logged_in(citizen, clock)
    old_key = client.session.session_key
    clock.shift(331)
    response = client.get("/?tab=1")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?" + urlencode({"next": "/?tab=1"})
    assert not Session.objects.filter(session_key=old_key).exists()
    assert not _is_logged_in(client)
    page = client.get(response["Location"])
    assert IDLE_MESSAGE_BN in page.content.decode()


def test_idle_message_in_english_for_english_users(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(331)
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert IDLE_MESSAGE_EN in response.content.decode()


def test_each_real_request_restarts_the_idle_clock(citizen, clock):
    client = _logged_in(citizen, clock)
    for _ in range(4):
        clock.shift(320)
        assert client.get(reverse("core:home")).status_code == 200
    assert _is_logged_in(client)


def test_polling_does_not_extend_the_idle_limit(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(200)
    assert client.get(reverse("core:home"), HTTP_X_SHEBA_POLL="1").status_code == 200
    clock.shift(100)
    status = client.get(reverse("accounts:session_status"))
    assert status.status_code == 200
    assert status.json() == {"remaining": 30}
    assert status["Cache-Control"].startswith("max-age=0") or "no-store" in status["Cache-Control"]
    clock.shift(31)
    response = client.get(reverse("core:home"), HTTP_X_SHEBA_POLL="1")
    assert response.status_code == 401
    assert response.json() == {"remaining": 0, "login": reverse("accounts:login") + "?next=%2F"}
    assert not _is_logged_in(client)


def test_status_after_expiry_is_401_json_and_ends_the_session(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(331)
    response = client.get(reverse("accounts:session_status"))
    assert response.status_code == 401
    assert response.json()["remaining"] == 0
    assert not _is_logged_in(client)


def test_status_when_anonymous(db):
    response = Client().get(reverse("accounts:session_status"))
    assert response.status_code == 200
    assert response.json() == {"remaining": 0, "login": reverse("accounts:login")}


def test_keepalive_by_fetch_extends_and_answers_204(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(300)
    response = client.post(reverse("accounts:keepalive"), HTTP_X_SHEBA_FETCH="1")
    assert response.status_code == 204
    clock.shift(329)
    assert client.get(reverse("accounts:session_status")).json() == {"remaining": 1}
    assert client.get(reverse("core:home")).status_code == 200
    assert _is_logged_in(client)


def test_keepalive_counts_activity_at_its_true_age(citizen, clock):
    """The page reports activity the server has not seen, with how long ago it happened."""
    client = _logged_in(citizen, clock)
    clock.shift(100)
    client.post(reverse("accounts:keepalive"), {"idle": "40"}, HTTP_X_SHEBA_FETCH="1")
    assert client.get(reverse("accounts:session_status")).json() == {"remaining": 330 - 40}
    # an age beyond the limit, or nonsense, never moves the clock backwards or breaks
    for idle in ("100000", "-5", "nan", "abc", ""):
        assert client.post(reverse("accounts:keepalive"), {"idle": idle}, HTTP_X_SHEBA_FETCH="1").status_code == 204
    assert client.get(reverse("accounts:session_status")).json()["remaining"] == 330


def test_keepalive_without_javascript_redirects_back(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(300)
    response = client.post(reverse("accounts:keepalive"), HTTP_REFERER="http://testserver/?x=1")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/?x=1"
    clock.shift(300)
    assert _is_logged_in(client) and client.get("/").status_code == 200


def test_keepalive_refuses_foreign_referer(citizen, clock):
    client = _logged_in(citizen, clock)
    response = client.post(reverse("accounts:keepalive"), HTTP_REFERER="https://evil.example/")
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_keepalive_after_expiry_does_not_revive(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(331)
    response = client.post(reverse("accounts:keepalive"), HTTP_X_SHEBA_FETCH="1", HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert not _is_logged_in(client)


def test_keepalive_needs_post_and_csrf(citizen, clock):
    client = _logged_in(citizen, clock)
    assert client.get(reverse("accounts:keepalive")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(reverse("accounts:keepalive"), HTTP_X_SHEBA_FETCH="1").status_code == 403


def test_keepalive_anonymous(db):
    client = Client()
    assert client.post(reverse("accounts:keepalive"), HTTP_X_SHEBA_FETCH="1").status_code == 401
    response = client.post(reverse("accounts:keepalive"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")


def test_absolute_limit_12_hours_for_citizens_despite_activity(citizen, clock):
    client = _logged_in(citizen, clock)
    elapsed = 0
    while elapsed + 300 <= 12 * 3600:
        clock.shift(300)
        elapsed += 300
        assert client.get(reverse("accounts:session_status"), HTTP_X_SHEBA_POLL="1").status_code == 200
        assert client.post(reverse("accounts:keepalive"), HTTP_X_SHEBA_FETCH="1").status_code == 204
    assert elapsed == 12 * 3600
    clock.shift(1)
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert ABSOLUTE_MESSAGE_EN in response.content.decode()
    assert not _is_logged_in(client)


def test_absolute_limit_8_hours_for_officers(officer, clock):
    client = _logged_in(officer, clock)
    for _ in range(8 * 12):  # every 5 minutes for 8 hours
        clock.shift(300)
        assert client.post(reverse("accounts:keepalive"), HTTP_X_SHEBA_FETCH="1").status_code == 204
    clock.shift(1)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("officer:login"))
    assert not _is_logged_in(client)


def test_idle_officer_goes_to_officer_login(officer, clock):
    client = _logged_in(officer, clock)
    clock.shift(331)
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("officer:login") + "?next=%2F"


def test_session_without_start_time_gets_one_at_first_request(citizen, clock):
    client = Client()
    client.force_login(citizen)
    client.get("/")
    assert client.session["auth_started_at"] == START.timestamp()
    assert client.session["last_activity_at"] == START.timestamp()


def test_activity_is_not_rewritten_on_every_request(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(5)
    client.get("/")
    assert client.session["last_activity_at"] == START.timestamp()
    clock.shift(5)
    client.get("/")
    assert client.session["last_activity_at"] == START.timestamp() + 10


def test_page_tells_the_script_how_stale_the_server_clock_is(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(4)
    body = client.get("/").content.decode()
    assert 'data-session-warn="300"' in body
    assert 'data-session-countdown="30"' in body
    assert 'data-session-idle="4"' in body


def test_idle_logout_after_post_keeps_the_referring_page(citizen, clock):
    client = _logged_in(citizen, clock)
    clock.shift(400)
    response = client.post(reverse("accounts:keepalive"), HTTP_REFERER="http://testserver/accounts/profile/")
    assert response["Location"] == reverse("accounts:login") + "?next=%2Faccounts%2Fprofile%2F"


def test_anonymous_pages_have_no_warning(db):
    body = Client().get("/").content.decode()
    assert "data-session-warn" not in body
    assert 'id="idle-dialog"' not in body


def test_time_is_not_a_sleep():
    # the limits above are measured with time-machine; this guards the fixture itself
    with time_machine.travel(START, tick=False) as t:
        t.shift(timedelta(seconds=1))
        from sheba.core import clock as sheba_clock

        assert sheba_clock.now() == START + timedelta(seconds=1)
