"""Forgotten MPIN needs the identity check (issue 6): the NID/BRN and date of birth recorded in the
profile, confirmed by the register simulator over real HTTP; refused on mismatch, not let through
when the register is down or slow, wrong guesses rate-limited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sheba.accounts.models import User
from sheba.accounts.tests.test_auth_helpers import (
    FAST_HASHERS,
    GOOD_MPIN,
    PHONE,
    confirm_identity,
    give_identity,
    last_code,
    make_citizen,
)
from sheba.identity.models import RecoveryAttempt
from sheba.identity.services import RECOVERY_MAX_FAILURES

pytestmark = pytest.mark.django_db

FORGOT = reverse("accounts:mpin_forgot")
VERIFY = reverse("accounts:mpin_forgot_verify")
IDENTITY = reverse("accounts:mpin_forgot_identity")
NEW = reverse("accounts:mpin_forgot_new")
NEW_MPIN = "502719"


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def citizen():
    user = make_citizen(PHONE)
    give_identity(user)
    return user


def after_code(language: str = "en") -> Client:
    browser = Client()
    browser.cookies["sheba_language"] = language
    browser.post(FORGOT, {"mobile": PHONE})
    assert browser.post(VERIFY, {"code": last_code(PHONE)})["Location"] == IDENTITY
    return browser


def mpin_unchanged() -> bool:
    return User.objects.get(username=PHONE).check_password(GOOD_MPIN)


def test_the_page_asks_for_number_and_date_of_birth(identity_register, citizen):
    page = after_code().get(IDENTITY)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="number"' in text and 'name="date_of_birth"' in text


def test_identity_step_needs_the_verified_code(identity_register, citizen):
    browser = Client()
    browser.post(FORGOT, {"mobile": PHONE})
    assert confirm_identity(browser)["Location"] == FORGOT
    assert not RecoveryAttempt.objects.exists()


@pytest.mark.parametrize(
    ("number", "born"),
    [("1990561234568", "1990-03-15"), ("1990561234567", "1990-03-16"), ("19905610112345678", "1990-03-15")],
)
def test_wrong_number_or_birth_date_is_refused(identity_register, citizen, number, born):
    browser = after_code()
    response = confirm_identity(browser, number=number, date_of_birth=born)
    assert response.status_code == 200
    assert "do not match your account" in response.content.decode()
    assert browser.post(NEW, {"mpin": NEW_MPIN, "mpin2": NEW_MPIN})["Location"] == IDENTITY
    assert mpin_unchanged()
    assert RecoveryAttempt.objects.filter(succeeded=False).count() == 1


def test_refusal_in_bengali(identity_register, citizen):
    response = confirm_identity(after_code("bn"), date_of_birth="১৯৯০-০৩-১৬")
    assert "আপনার অ্যাকাউন্টের সাথে মেলেনি" in response.content.decode()


def test_profile_the_register_does_not_confirm_is_refused(identity_register, citizen):
    give_identity(citizen, father_name="অন্য একজন")  # the profile matches what is typed, the register disagrees
    browser = after_code()
    response = confirm_identity(browser)
    assert "does not confirm the identity recorded" in response.content.decode()
    assert browser.get(NEW)["Location"] == IDENTITY
    assert mpin_unchanged()


@pytest.mark.parametrize("fault", ["down", "slow"])
def test_register_down_or_slow_says_try_later_and_lets_nobody_through(identity_register_sim, citizen, fault):
    identity_register_sim.fault(fault)
    browser = after_code()
    response = confirm_identity(browser)
    assert response.status_code == 503
    assert "try again in a little while" in response.content.decode()
    assert browser.post(NEW, {"mpin": NEW_MPIN, "mpin2": NEW_MPIN})["Location"] == IDENTITY
    assert mpin_unchanged()
    assert not RecoveryAttempt.objects.exists()  # not the citizen's fault: not counted
    identity_register_sim.fault("none")
    assert confirm_identity(browser)["Location"] == NEW


def test_wrong_guesses_are_rate_limited(identity_register, citizen):
    browser = after_code()
    for _ in range(RECOVERY_MAX_FAILURES):
        assert confirm_identity(browser, date_of_birth="1991-01-01").status_code == 200
    response = confirm_identity(browser)  # even the right answer now
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert browser.get(NEW)["Location"] == IDENTITY
    assert mpin_unchanged()


def test_a_profile_without_identity_cannot_reset_online(identity_register):
    user = make_citizen(PHONE)
    give_identity(user, identity_number="", identity_kind="")
    response = confirm_identity(after_code())
    assert "cannot be reset online" in response.content.decode()
    assert mpin_unchanged()


def test_the_service_refuses_without_a_passed_check(identity_register, citizen):
    """The new-MPIN service itself checks (not only the page order)."""
    from sheba.accounts import services
    from sheba.core.errors import InvalidInput

    browser = after_code()
    flow = browser.session["auth_flow"]
    with pytest.raises(InvalidInput):
        services.mpin_reset_finish(challenge_id=flow["challenge"], phone=PHONE, mpin=NEW_MPIN, language="en")
    assert mpin_unchanged()


@pytest.mark.parametrize("typed", ["", "abc", "12345", "x" * 10_000, "\x00", "1990-13-45", "১৫/০৩/১৯৯০"])
def test_any_input_gives_no_server_error(identity_register, citizen, typed):
    browser = after_code()
    browser.raise_request_exception = False
    response = confirm_identity(browser, number=typed, date_of_birth=typed)
    assert response.status_code in (200, 302)
