"""Change of mobile number: MPIN + OTP to the old number + OTP to the new one; the old number is
told; other sessions end and other devices are revoked."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sheba.accounts import services
from sheba.accounts.models import Device, OtpChallenge, SessionRecord, User
from sheba.accounts.tests.test_auth_helpers import (
    FAST_HASHERS,
    GOOD_MPIN,
    OTHER_MPIN,
    PHONE,
    PHONE_B,
    PHONE_C,
    last_code,
    login_client,
    make_citizen,
    sms_to,
)
from sheba.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:change_mobile")
VERIFY = reverse("accounts:change_mobile_verify")


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def citizen():
    return make_citizen(PHONE)


def _start(client, new=PHONE_B, mpin=GOOD_MPIN):
    return client.post(CHANGE, {"mpin": mpin, "new_mobile": new})


def test_change_of_mobile_needs_mpin_and_both_codes_then_tells_the_old_number(citizen):
    other = login_client()
    other_key = other.session.session_key
    other_device = other.cookies[services.DEVICE_COOKIE].value
    browser = login_client()
    key = browser.session.session_key
    page = browser.get(CHANGE)
    assert page.status_code == 200
    assert _start(browser)["Location"] == VERIFY
    old_code, new_code = last_code(PHONE), last_code(PHONE_B)
    response = browser.post(VERIFY, {"code_old": old_code, "code_new": new_code})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")

    fresh = User.objects.get(pk=citizen.pk)
    assert (fresh.username, fresh.mobile) == (PHONE_B, PHONE_B)
    told = sms_to(PHONE, "mobile_changed_old")
    assert len(told) == 1
    assert "০১৮**-***৬৭৯" in told[0].body
    # this session goes on; the other one is over, and the other browser is no longer trusted
    assert browser.session.session_key == key
    assert Session.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(session_key=other_key).exists()
    assert list(SessionRecord.objects.values_list("session_key", flat=True)) == [key]
    assert Device.objects.get(token_hash=services.device_token_hash(other_device)).revoked_at is not None
    assert Device.objects.get(
        token_hash=services.device_token_hash(browser.cookies[services.DEVICE_COOKIE].value)
    ).revoked_at is None
    assert AuditEvent.objects.filter(action="mobile.changed").count() == 1
    # the new number logs in; the old one no longer does
    browser.post(reverse("accounts:logout"))
    assert browser.post(reverse("accounts:login"), {"mobile": PHONE_B, "mpin": GOOD_MPIN})["Location"] == reverse(
        "accounts:dashboard"
    )


def test_wrong_mpin_sends_nothing_and_counts_as_a_failure(citizen):
    browser = login_client()
    before = len(sms_to(PHONE))
    response = _start(browser, mpin=OTHER_MPIN)
    assert response.status_code == 200
    assert "এমপিন ভুল।" in response.content.decode()
    assert f'value="{PHONE_B}"' in response.content.decode()  # what was typed is kept
    assert len(sms_to(PHONE)) == before
    assert sms_to(PHONE_B) == []
    assert User.objects.get(pk=citizen.pk).mpin_failures == 1


def test_one_wrong_code_keeps_the_number_and_remembers_the_right_one(citizen):
    browser = login_client()
    _start(browser)
    old_code, new_code = last_code(PHONE), last_code(PHONE_B)
    wrong = f"{(int(new_code) + 1) % 1_000_000:06d}"
    response = browser.post(VERIFY, {"code_old": old_code, "code_new": wrong})
    assert response.status_code == 200
    body = response.content.decode()
    assert "কোডটি ভুল" in body
    assert "আপনার বর্তমান নম্বরের কোডটি গৃহীত হয়েছে।" in body
    assert User.objects.get(pk=citizen.pk).username == PHONE
    response = browser.post(VERIFY, {"code_new": new_code})
    assert response["Location"] == reverse("accounts:profile")
    assert User.objects.get(pk=citizen.pk).username == PHONE_B


def test_a_taken_number_is_named_only_after_both_codes(citizen):
    make_citizen(PHONE_C)
    browser = login_client()
    response = _start(browser, new=PHONE_C)
    assert response["Location"] == VERIFY  # the same as for a free number: nothing told yet
    assert "নতুন নম্বর" in browser.get(VERIFY).content.decode()
    response = browser.post(VERIFY, {"code_old": last_code(PHONE), "code_new": last_code(PHONE_C)})
    assert response.status_code == 200
    assert "এই মোবাইল নম্বরে অন্য একটি অ্যাকাউন্ট আগে থেকেই নিবন্ধিত আছে।" in response.content.decode()
    assert User.objects.get(pk=citizen.pk).username == PHONE
    assert sms_to(PHONE, "mobile_changed_old") == []


def test_the_same_number_is_refused(citizen):
    browser = login_client()
    response = _start(browser, new="01712-345678")
    assert response.status_code == 200
    assert "এটি তো আপনার বর্তমান মোবাইল নম্বর।" in response.content.decode()
    assert OtpChallenge.objects.filter(purpose__startswith="change_mobile").count() == 0


def test_codes_for_other_purposes_do_not_change_the_number(citizen):
    browser = login_client()
    _start(browser)
    old_code = last_code(PHONE)
    # the old number's code typed for the new number (and the other way round)
    response = browser.post(VERIFY, {"code_old": last_code(PHONE_B), "code_new": old_code})
    assert response.status_code == 200
    assert User.objects.get(pk=citizen.pk).username == PHONE


def test_double_submitted_codes_change_the_number_once(citizen):
    browser = login_client()
    _start(browser)
    codes = {"code_old": last_code(PHONE), "code_new": last_code(PHONE_B)}
    first = browser.post(VERIFY, codes)
    cache.clear()
    # the twin request carries the same session (the flow is still in it when it starts)
    session = browser.session
    session["auth_flow"] = {
        "kind": "change_mobile",
        "phone": PHONE,
        "new_phone": PHONE_B,
        "old_challenge": str(OtpChallenge.objects.get(purpose="change_mobile_old").pk),
        "new_challenge": str(OtpChallenge.objects.get(purpose="change_mobile_new").pk),
    }
    session.save()
    second = browser.post(VERIFY, codes)
    assert first["Location"] == second["Location"] == reverse("accounts:profile")
    assert len(sms_to(PHONE, "mobile_changed_old")) == 1


def test_anonymous_and_officers_cannot_reach_it():
    response = Client().get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    officer = User.objects.create_user(username="officer1", password="x" * 16, kind="officer")
    client = Client()
    client.force_login(officer)
    assert client.get(CHANGE).status_code == 404


def test_resend_sends_only_the_code_not_yet_accepted():
    import time_machine

    with time_machine.travel("2026-11-22 10:00:00+06:00", tick=False) as traveller:
        citizen = make_citizen(PHONE)
        traveller.shift(1)  # frozen time: one second apart, so "the newest SMS" is well defined
        browser = login_client()
        traveller.shift(1)
        _start(browser)
        old_code, new_code = last_code(PHONE), last_code(PHONE_B)
        browser.post(VERIFY, {"code_old": old_code, "code_new": "000000" if new_code != "000000" else "111111"})
        sent_to_old = len(sms_to(PHONE))
        traveller.shift(61)
        assert browser.post(VERIFY, {"resend": "1"})["Location"] == VERIFY
        assert len(sms_to(PHONE)) == sent_to_old
        assert len(sms_to(PHONE_B)) == 2
        traveller.shift(1)
        response = browser.post(VERIFY, {"code_new": last_code(PHONE_B)})
        assert response["Location"] == reverse("accounts:profile")
    assert User.objects.get(pk=citizen.pk).username == PHONE_B
