"""MPIN rules (trivial PINs refused) and the forgotten-MPIN flow (OTP -> identity check -> new MPIN)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from sheba.accounts import services
from sheba.accounts.models import Device, OtpChallenge, Profile, SessionRecord, User
from sheba.accounts.tests.test_auth_helpers import (
    FAST_HASHERS,
    GOOD_MPIN,
    PHONE,
    PHONE_B,
    confirm_identity,
    give_identity,
    last_code,
    login_client,
    make_citizen,
    sms_to,
    without_csrf,
)

FORGOT = reverse("accounts:mpin_forgot")
VERIFY = reverse("accounts:mpin_forgot_verify")
IDENTITY = reverse("accounts:mpin_forgot_identity")
NEW = reverse("accounts:mpin_forgot_new")
NEW_MPIN = "502719"


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


# --- Trivial MPINs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pin",
    [
        "000000", "111111", "999999",  # all one digit
        "123456", "234567", "456789", "012345", "654321", "987654", "543210", "890123", "210987",  # runs
        "121212", "909090", "123123", "456456", "007007",  # repeated pairs and triples
        "112233", "786786", "159753", "147258", "123321", "102030", "696969",  # common
    ],
)
def test_trivial_mpins_are_refused(pin):
    assert services.mpin_is_trivial(pin)
    with pytest.raises(services.MpinTooSimple):
        services.mpin_check(pin)


@pytest.mark.parametrize("pin", ["482915", "739264", "502719", "318470", "064193"])
def test_ordinary_mpins_are_accepted(pin):
    assert not services.mpin_is_trivial(pin, phone=PHONE, date_of_birth=date(1990, 7, 15))
    assert services.mpin_check(pin, phone=PHONE, date_of_birth=date(1990, 7, 15)) == pin


def test_the_phones_last_six_digits_are_refused():
    assert services.mpin_is_trivial("345678", phone="+8801712345678") is True  # also a run
    assert services.mpin_is_trivial("482917", phone="+8801799482917") is True
    assert services.mpin_is_trivial("482917", phone="+8801799482918") is False


@pytest.mark.parametrize("pin", ["150790", "900715", "071590", "151990", "199007", "071990", "199015", "150719"])
def test_the_birth_date_in_any_usual_order_is_refused(pin):
    born = date(1990, 7, 15)
    assert services.mpin_is_trivial(pin, date_of_birth=born)
    assert not services.mpin_is_trivial(pin)  # without a known birth date these are ordinary


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "৪৮২৯১", "4" * 10_000, None])
def test_an_mpin_must_be_six_digits(typed):
    with pytest.raises(services.InvalidInput):
        services.mpin_check(typed)


def test_bengali_digits_make_an_mpin():
    assert services.mpin_check("৪৮২৯১৫") == "482915"


# --- Forgotten MPIN --------------------------------------------------------------------------


@pytest.mark.django_db
def test_forgotten_mpin_resets_by_otp_unlocks_and_ends_every_session(identity_register):
    user = make_citizen(PHONE)
    give_identity(user)
    other_browser = login_client()
    other_key = other_browser.session.session_key
    User.objects.filter(pk=user.pk).update(
        mpin_failures=10, consecutive_failures=100, mpin_disabled_at=user.date_joined, locked_at=user.date_joined
    )
    browser = Client()
    assert browser.post(FORGOT, {"mobile": "০১৭১২-৩৪৫৬৭৮"})["Location"] == VERIFY
    assert browser.post(VERIFY, {"code": last_code(PHONE)})["Location"] == IDENTITY
    assert browser.get(NEW)["Location"] == IDENTITY  # no new MPIN before the identity check
    assert confirm_identity(browser, number="১৯৯০৫৬১২৩৪৫৬৭")["Location"] == NEW  # Bengali digits are fine
    response = browser.post(NEW, {"mpin": NEW_MPIN, "mpin2": NEW_MPIN})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    fresh = User.objects.get(pk=user.pk)
    assert fresh.check_password(NEW_MPIN)
    assert not fresh.check_password(GOOD_MPIN)
    assert (fresh.mpin_failures, fresh.consecutive_failures, fresh.mpin_disabled_at, fresh.locked_at) == (0, 0, None, None)
    assert sms_to(PHONE)[-1].event == "mpin_changed"
    # every other session of this account is over, and its devices must prove themselves again
    assert not Session.objects.filter(session_key=other_key).exists()
    assert not SessionRecord.objects.filter(user=user).exists()
    assert not other_browser.get(reverse("accounts:logout")).context["user"].is_authenticated
    assert Device.objects.filter(user=user, revoked_at__isnull=True).count() == 1  # this browser only
    # this browser is remembered: the new MPIN alone logs in
    assert browser.post(reverse("accounts:login"), {"mobile": PHONE, "mpin": NEW_MPIN})["Location"] == reverse(
        "accounts:dashboard"
    )


@pytest.mark.django_db
def test_forgotten_mpin_for_an_unregistered_number_looks_the_same_and_sends_nothing():
    make_citizen(PHONE)

    def walk(phone):
        client = Client()
        first = client.post(FORGOT, {"mobile": phone})
        page = client.get(VERIFY)
        wrong = client.post(VERIFY, {"code": "000000"})
        return first, page, wrong

    known, unknown = walk(PHONE), walk(PHONE_B)
    assert known[0]["Location"] == unknown[0]["Location"] == VERIFY
    for a, b in zip(known[1:], unknown[1:], strict=True):
        assert a.status_code == b.status_code == 200
        assert without_csrf(a.content).replace("১৭১২-৩৪৫৬৭৮", "X") == without_csrf(b.content).replace("১৮১২-৩৪৫৬৭৯", "X")
    assert sms_to(PHONE_B) == []
    assert OtpChallenge.objects.filter(phone=PHONE_B, purpose="reset_mpin").count() == 1


@pytest.mark.django_db
def test_new_mpin_may_not_be_the_birth_date_when_it_is_known(identity_register):
    user = make_citizen(PHONE)
    give_identity(user)
    assert Profile.objects.get(user=user).date_of_birth == date(1990, 3, 15)
    browser = Client()
    browser.post(FORGOT, {"mobile": PHONE})
    browser.post(VERIFY, {"code": last_code(PHONE)})
    confirm_identity(browser)
    response = browser.post(NEW, {"mpin": "150390", "mpin2": "150390"})
    assert response.status_code == 200
    assert "সহজে অনুমান" in response.content.decode()
    assert User.objects.get(pk=user.pk).check_password(GOOD_MPIN)


@pytest.mark.django_db
def test_new_mpin_step_needs_the_verified_code():
    make_citizen(PHONE)
    browser = Client()
    browser.post(FORGOT, {"mobile": PHONE})
    response = browser.post(NEW, {"mpin": NEW_MPIN, "mpin2": NEW_MPIN})
    assert response["Location"] == FORGOT
    assert User.objects.get(username=PHONE).check_password(GOOD_MPIN)


@pytest.mark.django_db
def test_double_submitted_new_mpin_is_harmless(identity_register):
    give_identity(make_citizen(PHONE))
    browser = Client()
    browser.post(FORGOT, {"mobile": PHONE})
    browser.post(VERIFY, {"code": last_code(PHONE)})
    confirm_identity(browser)
    state = dict(browser.session)
    first = browser.post(NEW, {"mpin": NEW_MPIN, "mpin2": NEW_MPIN})
    twin = Client()
    session = twin.session
    session.update(state)
    session.save()
    twin.cookies["sessionid"] = session.session_key
    second = twin.post(NEW, {"mpin": NEW_MPIN, "mpin2": NEW_MPIN})
    assert first["Location"] == second["Location"] == reverse("accounts:login")
    assert [m.event for m in sms_to(PHONE)].count("mpin_changed") == 1
