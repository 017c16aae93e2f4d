"""Officers: password + TOTP sign-in, failures and locks, the desk, officer_offices()."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.accounts.models import SessionRecord, User
from sheba.accounts.selectors import officer_offices
from sheba.accounts.tests.helpers_profile import client_for, make_citizen, make_officer
from sheba.audit.models import AuditEvent
from sheba.directory.models import Office, OfficeLevel, OfficeType, OfficeUnit, Post, PostTerm

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 22, 4, 0, 5, tzinfo=UTC)
PASSWORD = "correct horse battery 7"
LOGIN, CODE, DESK = "/officer/login/", "/officer/login/code/", "/officer/"
WRONG_PASSWORD = "The login name or the password is not right."
WRONG_CODE = "The code is not right. Check the code in your authenticator app and try again."


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Argon2 is the real hasher; these tests are about the steps, not the hashing cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer():
    return make_officer(password=PASSWORD)


@pytest.fixture
def device(officer):
    return TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps):06d}"


def wrong_code(device: TOTPDevice) -> str:
    near = {code_for(device, k) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def english() -> Client:
    client = Client()
    client.cookies["sheba_language"] = "en"
    return client


def password_step(client: Client, username: str = "uno.kaliakair", password: str = PASSWORD, next_url: str = ""):
    url = LOGIN + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


def errors_of(response) -> str:
    return response.content.decode()


def test_url_names():
    assert reverse("officer:login") == LOGIN
    assert reverse("officer:totp") == CODE
    assert reverse("officer:dashboard") == DESK


def test_happy_path(clock, officer, device):
    client = english()
    assert client.get(LOGIN).status_code == 200
    client.get(LOGIN)
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"] == CODE
    assert client.cookies["sessionid"].value != before
    assert "_auth_user_id" not in client.session  # not signed in after the password alone
    assert client.get(DESK).status_code == 302

    page = client.get(CODE)
    assert "Code from your authenticator app" in page.content.decode()
    response = client.post(CODE, {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == DESK
    session = client.session
    assert session["_auth_user_id"] == str(officer.pk)
    assert session["otp_device_id"] == device.persistent_id
    assert session["auth_started_at"] == START.timestamp()
    assert "officer_pending" not in session
    assert SessionRecord.objects.filter(user=officer, session_key=session.session_key).count() == 1
    assert AuditEvent.objects.filter(action="officer.login", actor=officer).count() == 1
    assert client.get(DESK).status_code == 200


def test_bengali_digits_in_the_code(clock, officer, device):
    client = english()
    password_step(client)
    bengali = code_for(device).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert client.post(CODE, {"code": bengali})["Location"] == DESK


def test_wrong_password_counts_and_says_nothing_more(clock, officer, device):
    client = english()
    response = password_step(client, password="wrong password here")
    assert response.status_code == 200
    assert WRONG_PASSWORD in errors_of(response)
    assert 'value="uno.kaliakair"' in errors_of(response)  # the login name is kept
    assert PASSWORD not in errors_of(response)
    assert "officer_pending" not in client.session
    officer.refresh_from_db()
    assert officer.consecutive_failures == 1
    assert client.get(CODE)["Location"] == LOGIN


def test_unknown_name_and_citizen_get_the_same_answer(clock, device):
    citizen = make_citizen()
    citizen.set_password("123987")
    citizen.save()
    for name, password in (("nobody.here", PASSWORD), (citizen.username, "123987"), (citizen.mobile, "123987")):
        client = english()
        response = password_step(client, username=name, password=password)
        assert response.status_code == 200
        assert WRONG_PASSWORD in errors_of(response)
        assert "officer_pending" not in client.session
        assert "_auth_user_id" not in client.session
    citizen.refresh_from_db()
    assert citizen.consecutive_failures == 0


def test_no_device_means_no_sign_in(clock, officer):
    TOTPDevice.objects.create(user=officer, name="never confirmed", confirmed=False)
    client = english()
    response = password_step(client)
    assert response.status_code == 200
    assert ("No authenticator app is set up for this account yet, so you cannot sign in. "
            "Ask the administrator to set one up for you.") in errors_of(response)
    assert "officer_pending" not in client.session
    assert "_auth_user_id" not in client.session


def test_wrong_code_then_right_code(clock, officer, device):
    client = english()
    password_step(client)
    response = client.post(CODE, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert WRONG_CODE in errors_of(response)
    assert "_auth_user_id" not in client.session
    officer.refresh_from_db()
    assert officer.consecutive_failures == 1
    # django-otp slows guessing down: straight away even the right code must wait
    response = client.post(CODE, {"code": code_for(device)})
    assert "Too many wrong codes in a short time. Wait 2 seconds, then enter the newest code." in errors_of(response)
    assert "_auth_user_id" not in client.session
    clock.shift(timedelta(seconds=2))
    assert client.post(CODE, {"code": code_for(device)})["Location"] == DESK
    officer.refresh_from_db()
    assert officer.consecutive_failures == 0


def test_malformed_code_is_a_format_message_not_a_guess(clock, officer, device):
    client = english()
    password_step(client)
    for typed in ("12345", "abcdef", "1234567", "<script>"):
        response = client.post(CODE, {"code": typed})
        assert "The code has 6 digits." in errors_of(response)
    officer.refresh_from_db()
    assert officer.consecutive_failures == 0


def test_replayed_code_is_refused(clock, officer, device):
    code = code_for(device)
    first = english()
    password_step(first)
    assert first.post(CODE, {"code": code})["Location"] == DESK
    clock.shift(timedelta(seconds=10))  # still inside the same 30-second step
    second = english()
    password_step(second)
    response = second.post(CODE, {"code": code})
    assert response.status_code == 200
    assert WRONG_CODE in errors_of(response)
    assert "_auth_user_id" not in second.session


def test_ten_wrong_codes_void_the_step(clock, officer, device):
    client = english()
    password_step(client)
    for attempt in range(1, 10):
        response = client.post(CODE, {"code": wrong_code(device)})
        assert WRONG_CODE in errors_of(response), attempt
        clock.shift(timedelta(seconds=2 ** (attempt - 1) + 1))  # past django-otp's growing delay
    response = client.post(CODE, {"code": wrong_code(device)}, follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "Too many wrong codes. Sign in again with your login name and password." in errors_of(response)
    assert "officer_pending" not in client.session
    officer.refresh_from_db()
    assert officer.consecutive_failures == 10
    assert officer.locked_at is None
    # the right code is no use now: the step is gone
    assert client.post(CODE, {"code": code_for(device)})["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_hundred_failures_lock_the_account(clock, officer, device):
    User.objects.filter(pk=officer.pk).update(consecutive_failures=99)
    client = english()
    assert WRONG_PASSWORD in errors_of(password_step(client, password="wrong password here"))
    officer.refresh_from_db()
    assert officer.consecutive_failures == 100
    assert officer.locked_at == START
    assert AuditEvent.objects.filter(action="account.locked").count() == 1
    response = password_step(client)  # even the right password
    assert ("This account is locked after too many failed sign-in attempts. "
            "Ask the administrator to unlock it.") in errors_of(response)
    assert "officer_pending" not in client.session
    assert "_auth_user_id" not in client.session


def test_hundredth_failure_on_the_code_locks_too(clock, officer, device):
    client = english()
    password_step(client)
    User.objects.filter(pk=officer.pk).update(consecutive_failures=99)
    response = client.post(CODE, {"code": wrong_code(device)}, follow=True)
    assert "This account is locked" in errors_of(response)
    officer.refresh_from_db()
    assert officer.locked_at == START
    assert "_auth_user_id" not in client.session


def test_pending_step_lasts_five_minutes(clock, officer, device):
    client = english()
    password_step(client)
    clock.shift(timedelta(seconds=301))
    response = client.post(CODE, {"code": code_for(device)}, follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "Your sign-in has expired. Enter your login name and password again." in errors_of(response)
    assert "_auth_user_id" not in client.session


def test_next_is_followed_only_inside_the_site(clock, officer, device):
    client = english()
    password_step(client, next_url="https://evil.example/")
    assert client.post(CODE, {"code": code_for(device)})["Location"] == DESK
    clock.shift(timedelta(seconds=31))
    client = english()
    password_step(client, next_url="/officer/?tab=1")
    assert client.post(CODE, {"code": code_for(device)})["Location"] == "/officer/?tab=1"


# --- the desk ---------------------------------------------------------------------------------


def test_desk_refuses_a_session_without_verified_otp(officer, device):
    client = client_for(officer)  # signed in, but never passed the TOTP step
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"] == "/officer/login/?next=%2Fofficer%2F"


def test_desk_sends_citizens_and_strangers_away():
    assert client_for(make_citizen()).get(DESK)["Location"] == "/accounts/dashboard/"
    assert Client().get(DESK)["Location"] == "/officer/login/?next=%2Fofficer%2F"


def make_offices(officer):
    kind = OfficeType.objects.create(code="uno-test", level=OfficeLevel.UPAZILA, name_bn="ইউএনও অফিস",
                                     name_en="UNO office")
    office = Office.objects.create(office_type=kind, name_bn="ইউএনও অফিস, কালিয়াকৈর",
                                   name_en="UNO Office, Kaliakair")
    other = Office.objects.create(office_type=kind, name_bn="ইউএনও অফিস, কাপাসিয়া", name_en="UNO Office, Kapasia")
    old = Office.objects.create(office_type=kind, name_bn="ইউএনও অফিস, পলাশ", name_en="UNO Office, Palash")
    unit = OfficeUnit.objects.create(office=office, name_bn="প্রশাসন শাখা", name_en="Administration")
    unit2 = OfficeUnit.objects.create(office=other, name_bn="প্রশাসন শাখা", name_en="Administration section")
    unit3 = OfficeUnit.objects.create(office=old, name_bn="প্রশাসন", name_en="Admin")
    uno = Post.objects.create(unit=unit, office=office, code="uno", name_bn="উপজেলা নির্বাহী অফিসার",
                              name_en="Upazila Nirbahi Officer", is_office_head=True)
    acting = Post.objects.create(unit=unit2, office=other, code="uno", name_bn="উপজেলা নির্বাহী অফিসার",
                                 name_en="Upazila Nirbahi Officer (Kapasia)")
    past = Post.objects.create(unit=unit3, office=old, code="uno", name_bn="ইউএনও", name_en="UNO (Palash)")
    PostTerm.objects.create(post=uno, person=officer, starts_on=date(2025, 1, 1))
    PostTerm.objects.create(post=acting, person=officer, starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30),
                            is_acting=True)
    PostTerm.objects.create(post=past, person=officer, starts_on=date(2020, 1, 1), ends_on=date(2024, 12, 31))
    return office, other, old


def test_desk_shows_posts_held_today(clock, officer, device):
    make_offices(officer)
    client = english()
    password_step(client)
    client.post(CODE, {"code": code_for(device)})
    html = client.get(DESK).content.decode()
    assert "<td>UNO Office, Kaliakair</td>" in html
    assert "<td>Administration</td>" in html
    assert "<td>Upazila Nirbahi Officer</td>" in html
    assert ('<td>Upazila Nirbahi Officer (Kapasia) <span class="badge">acting in charge</span></td>' in html)
    assert "Palash" not in html  # an ended term
    assert html.count('class="badge"') == 1
    assert 'href="/officer/files/">Open the file inbox</a>' in html


def test_desk_without_posts(clock, officer, device):
    client = english()
    password_step(client)
    client.post(CODE, {"code": code_for(device)})
    assert "You hold no post today" in client.get(DESK).content.decode()


def test_officer_offices(officer):
    office, other, old = make_offices(officer)
    with time_machine.travel(START, tick=False):
        assert list(officer_offices(officer)) == [office, other]
    assert list(officer_offices(officer, on=date(2026, 12, 15))) == [office]
    assert list(officer_offices(officer, on=date(2024, 6, 1))) == [old]
    assert list(officer_offices(make_officer("someone.else"))) == []


def test_logout_ends_the_officer_session(clock, officer, device):
    client = english()
    password_step(client)
    client.post(CODE, {"code": code_for(device)})
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(DESK).status_code == 302


def test_failures_from_one_address_are_limited(clock, officer, device):
    for n in range(20):
        response = password_step(english(), username=f"guess.{n}", password="wrong password here")
        assert WRONG_PASSWORD in errors_of(response)
    client = english()
    response = password_step(client)  # even the right password, from this address, for now
    assert "Too many failed sign-in attempts from this network. Try again in 60 minutes." in errors_of(response)
    assert "officer_pending" not in client.session
    other_address = english()
    other_address.defaults["REMOTE_ADDR"] = "10.0.0.9"
    assert password_step(other_address)["Location"] == CODE
    clock.shift(timedelta(hours=1, seconds=1))
    assert password_step(english())["Location"] == CODE
