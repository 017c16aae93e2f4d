"""Registration: mobile -> OTP -> MPIN -> logged in; no account enumeration; the Ekseba variant."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sheba.accounts import services
from sheba.accounts.models import Device, OtpChallenge, Profile, SessionRecord, User
from sheba.accounts.tests.test_auth_helpers import (
    FAST_HASHERS,
    GOOD_MPIN,
    PHONE,
    PHONE_B,
    last_code,
    make_citizen,
    sms_to,
    without_csrf,
)
from sheba.notifications.models import Message

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register")
VERIFY = reverse("accounts:register_verify")
MPIN = reverse("accounts:register_mpin")


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def test_register_code_then_mpin_then_logged_in_on_the_dashboard(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    response = client.post(REGISTER, {"mobile": "01712-345678"})
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "০১৭১২-৩৪৫৬৭৮" in page.content.decode()
    [sms] = sms_to(PHONE)
    assert sms.event == "otp"
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response["Location"] == MPIN
    anonymous_key = client.session.session_key
    response = client.post(MPIN, {"mpin": GOOD_MPIN, "mpin2": GOOD_MPIN})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")

    user = User.objects.get()
    assert user.username == PHONE
    assert user.mobile == PHONE
    assert user.kind == "citizen"
    assert user.password.startswith("argon2$")
    assert GOOD_MPIN not in user.password
    assert user.check_password(GOOD_MPIN)
    assert Profile.objects.filter(user=user).count() == 1
    # a new session id at login, recorded for the user, with its start time
    assert client.session.session_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()
    assert SessionRecord.objects.get().session_key == client.session.session_key
    assert isinstance(client.session["auth_started_at"], float)
    assert int(client.session["_auth_user_id"]) == user.pk
    # the OTP proved this browser: it is remembered
    assert Device.objects.filter(user=user, revoked_at__isnull=True).count() == 1
    assert [m.event for m in sms_to(PHONE)] == ["otp", "welcome"]


def test_bengali_digit_number_is_accepted_and_stored_as_e164(client):
    client.post(REGISTER, {"mobile": "০১৭১২৩৪৫৬৭৮"})
    client.post(VERIFY, {"code": last_code(PHONE)})
    client.post(MPIN, {"mpin": "৪৮২৯১৫", "mpin2": "৪৮২৯১৫"})
    user = User.objects.get()
    assert user.username == PHONE
    assert user.check_password(GOOD_MPIN)


def test_bengali_digit_code_is_accepted(client):
    client.post(REGISTER, {"mobile": PHONE})
    code = last_code(PHONE).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    response = client.post(VERIFY, {"code": code})
    assert response["Location"] == MPIN


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("02-55012345", "এটি মোবাইল নম্বর নয়"),  # a Dhaka landline
        ("01112345678", "এটি মোবাইল নম্বর নয়"),  # retired operator digits
        ("12345", "বাংলাদেশের একটি মোবাইল নম্বর লিখুন"),
        ("+447911123456", "বাংলাদেশের একটি মোবাইল নম্বর লিখুন"),
        ("1" * 10_000, "বাংলাদেশের একটি মোবাইল নম্বর লিখুন"),
    ],
)
def test_invalid_and_landline_numbers_are_refused_on_the_same_page(client, typed, message):
    response = client.post(REGISTER, {"mobile": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body
    if len(typed) < 100:
        assert f'value="{typed}"' in body  # what was typed is kept
    assert OtpChallenge.objects.count() == 0
    assert Message.objects.count() == 0


def test_html_in_input_is_shown_escaped(client):
    response = client.post(REGISTER, {"mobile": "<script>alert(1)</script>"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_wrong_code_is_refused_on_the_same_page_in_bengali(client):
    client.post(REGISTER, {"mobile": PHONE})
    wrong = "000000" if last_code(PHONE) != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "কোডটি ভুল" in response.content.decode()
    assert client.get(MPIN).status_code == 302  # no way round the code
    assert User.objects.count() == 0


def test_english_page_speaks_english(client):
    client.cookies["sheba_language"] = "en"
    response = client.post(REGISTER, {"mobile": "02-55012345"})
    assert "This is not a mobile number" in response.content.decode()


def test_mpin_step_needs_a_verified_code(client):
    client.post(REGISTER, {"mobile": PHONE})
    response = client.post(MPIN, {"mpin": GOOD_MPIN, "mpin2": GOOD_MPIN})
    assert response.status_code == 302
    assert response["Location"] == REGISTER
    assert User.objects.count() == 0


def test_trivial_and_mismatched_mpins_are_refused_and_nothing_is_created(client):
    client.post(REGISTER, {"mobile": PHONE})
    client.post(VERIFY, {"code": last_code(PHONE)})
    for mpin, mpin2 in [("123456", "123456"), ("345678", "345678"), ("482915", "482916"), ("4829", "4829")]:
        response = client.post(MPIN, {"mpin": mpin, "mpin2": mpin2})
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode()
    # the phone's last six digits
    response = client.post(MPIN, {"mpin": "345678", "mpin2": "345678"})
    assert "সহজে অনুমান" in response.content.decode()
    assert User.objects.count() == 0


def test_registered_and_unregistered_numbers_get_identical_responses(settings):
    make_citizen(PHONE)
    Message.objects.all().delete()
    cache.clear()  # forget make_citizen's send, which would trip the 60-second cooldown

    def walk(phone):
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            first = client.post(REGISTER, {"mobile": phone})
        page = client.get(VERIFY)
        wrong = client.post(VERIFY, {"code": "000000"})
        return client, first, page, wrong, len(queries.captured_queries)

    known = walk(PHONE)
    unknown = walk(PHONE_B)
    assert known[1].status_code == unknown[1].status_code == 302
    assert known[1]["Location"] == unknown[1]["Location"] == VERIFY
    for a, b in ((known[2], unknown[2]), (known[3], unknown[3])):
        assert a.status_code == b.status_code == 200
        assert [t.name for t in a.templates] == [t.name for t in b.templates]
        assert without_csrf(a.content).replace("১৭১২-৩৪৫৬৭৮", "X") == without_csrf(b.content).replace(
            "১৮১২-৩৪৫৬৭৯", "X"
        )
    assert known[4] == unknown[4]  # the same database work, so the same time
    # the owner is told by SMS that the number already has an account; nobody gets a code
    assert [m.event for m in sms_to(PHONE)] == ["account_exists"]
    assert [m.event for m in sms_to(PHONE_B)] == ["otp"]
    assert "/accounts/login/" in sms_to(PHONE)[0].body
    # no code can pass the challenge of a registered number
    assert OtpChallenge.objects.filter(phone=PHONE, purpose="register", used_at__isnull=False).count() == 1  # from make_citizen


def test_double_submitted_code_and_mpin_make_one_account_and_both_land_on_the_dashboard(client):
    client.post(REGISTER, {"mobile": PHONE})
    client.post(REGISTER, {"mobile": PHONE})  # the same number again: the same code stands
    assert OtpChallenge.objects.count() == 1
    code = last_code(PHONE)
    first = client.post(VERIFY, {"code": code})
    second = client.post(VERIFY, {"code": code})
    assert first["Location"] == second["Location"] == MPIN
    # both clicks of the last step left from the same session state
    state = dict(client.session)
    first = client.post(MPIN, {"mpin": GOOD_MPIN, "mpin2": GOOD_MPIN})
    replay = Client()
    replay.cookies = client.cookies
    session = replay.session
    session.update(state)
    session.save()
    replay.cookies["sessionid"] = session.session_key
    second = replay.post(MPIN, {"mpin": GOOD_MPIN, "mpin2": GOOD_MPIN})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("accounts:dashboard")
    assert User.objects.count() == 1
    assert [m.event for m in sms_to(PHONE)] == ["otp", "welcome"]


def test_a_used_registration_code_cannot_register_again_later(client, settings):
    import time_machine

    with time_machine.travel("2026-11-22 10:00:00+06:00", tick=False) as traveller:
        client.post(REGISTER, {"mobile": PHONE})
        code = last_code(PHONE)
        client.post(VERIFY, {"code": code})
        state = dict(client.session)
        client.post(MPIN, {"mpin": GOOD_MPIN, "mpin2": GOOD_MPIN})
        traveller.shift(61)
        replay = Client()
        session = replay.session
        session.update(state)
        session.save()
        replay.cookies["sessionid"] = session.session_key
        response = replay.post(VERIFY, {"code": code})
        assert response.status_code == 200
        assert "মেয়াদ শেষ" in response.content.decode() or "ব্যবহার" in response.content.decode()
        assert replay.post(MPIN, {"mpin": OTHER, "mpin2": OTHER}).status_code == 302
    assert User.objects.get().check_password(GOOD_MPIN)


OTHER = "739264"


def test_ekseba_variant_sends_a_generated_pin_and_the_citizen_logs_in_with_it(client, settings):
    settings.SHEBA_GENERATED_PIN = True
    client.post(REGISTER, {"mobile": PHONE})
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(MPIN).status_code == 302  # no choosing in this variant
    [pin_sms] = sms_to(PHONE, "generated_pin")
    import re

    pin = re.search(r"[0-9]{6}", pin_sms.body).group(0)
    user = User.objects.get()
    assert user.check_password(pin)
    assert not services.mpin_is_trivial(pin, phone=PHONE)
    assert "_auth_user_id" not in client.session  # not logged in yet
    # the code proved this browser, so the PIN alone logs in
    response = client.post(reverse("accounts:login"), {"mobile": PHONE, "mpin": pin})
    assert response["Location"] == reverse("accounts:dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_generated_pins_are_never_trivial(monkeypatch):
    values = iter([123456, 111111, 345678, 482915])
    monkeypatch.setattr("secrets.randbelow", lambda n: next(values))
    assert services.mpin_generate(phone="+8801712345678") == "482915"


def test_an_officers_number_gets_the_same_page_and_no_sms(client):
    User.objects.create_user(username="uno.demo", password="x" * 16, kind="officer", mobile=PHONE)
    response = client.post(REGISTER, {"mobile": PHONE})
    assert response["Location"] == VERIFY
    assert client.post(VERIFY, {"code": "000000"}).status_code == 200
    assert sms_to(PHONE) == []
    assert User.objects.filter(username=PHONE).count() == 0
