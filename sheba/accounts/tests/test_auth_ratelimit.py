"""Sending OTPs: 60 s cooldown, ≤5 per number per hour, ≤10 per day, ≤20 per IP per hour; 429 with
Retry-After beyond; fails closed when the rate-limit store is down."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache.backends.base import BaseCache
from django.test import Client
from django.urls import reverse

from sheba.accounts import otp
from sheba.accounts.models import OtpChallenge, OtpPurpose
from sheba.accounts.tests.test_auth_helpers import PHONE, PHONE_B, sms_to
from sheba.core import ratelimit
from sheba.notifications.models import Message

pytestmark = pytest.mark.django_db

START = "2026-11-22 10:00:00+06:00"
REGISTER = reverse("accounts:register")
VERIFY = reverse("accounts:register_verify")


class DownCache(BaseCache):
    """A cache whose server is unreachable."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    add = get = set = delete = get_many = set_many = delete_many = clear = touch = incr = has_key = _down


def _send(phone=PHONE, ip="10.0.0.1"):
    return otp.otp_request(phone=phone, purpose=OtpPurpose.REGISTER, ip=ip, language="bn", reuse_recent=False)


def _refused_after(phone=PHONE, ip="10.0.0.1") -> int:
    with pytest.raises(otp.OtpRateLimited) as caught:
        _send(phone, ip)
    return caught.value.retry_after


# --- The limiter itself ----------------------------------------------------------------------


def test_limiter_counts_only_allowed_events_and_says_how_long_to_wait():
    rule = ratelimit.Rule("test:key", 2, 100)
    with time_machine.travel(START, tick=False) as traveller:
        assert ratelimit.hit([rule]) == 0
        traveller.shift(10)
        assert ratelimit.hit([rule]) == 0
        traveller.shift(10)
        assert ratelimit.hit([rule]) == 80  # the first event leaves the window at 100 s
        assert ratelimit.hit([rule]) == 80  # a refusal is not counted
        traveller.shift(80)
        assert ratelimit.hit([rule]) == 0
        assert ratelimit.peek([rule]) == 10


def test_limiter_refuses_when_any_rule_is_full_and_then_counts_none():
    tight, loose = ratelimit.Rule("test:tight", 1, 60), ratelimit.Rule("test:loose", 5, 60)
    with time_machine.travel(START, tick=False):
        assert ratelimit.hit([tight, loose]) == 0
        assert ratelimit.hit([tight, loose]) == 60
        assert ratelimit.peek([loose]) == 0
        for _ in range(4):
            assert ratelimit.hit([loose]) == 0
        assert ratelimit.hit([loose]) == 60


def test_limiter_fails_closed_when_the_store_is_down(settings):
    settings.CACHES = {"default": {"BACKEND": "sheba.accounts.tests.test_auth_ratelimit.DownCache"}}
    assert ratelimit.hit([ratelimit.Rule("test:down", 100, 60)]) == ratelimit.FAIL_CLOSED_WAIT == 60


# --- The figures -----------------------------------------------------------------------------


def test_sixty_second_cooldown_per_number():
    with time_machine.travel(START, tick=False) as traveller:
        _send()
        traveller.shift(59)
        assert _refused_after() == 1
        assert _send(PHONE_B)  # another number is not held back
        traveller.shift(1)
        assert _send()
    assert [m.event for m in sms_to(PHONE)] == ["otp", "otp"]


def test_sixth_request_within_an_hour_is_refused_until_the_first_leaves_the_hour():
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            _send()
            traveller.shift(61)
        # 305 s after the first: it leaves the hour in 3295 s
        assert _refused_after() == 3600 - 305
        assert OtpChallenge.objects.count() == 5
        assert len(sms_to(PHONE)) == 5
        traveller.shift(3600 - 305 - 1)
        assert _refused_after() == 1
        traveller.shift(1)
        assert _send()


def test_at_most_ten_per_number_per_day():
    with time_machine.travel(START, tick=False) as traveller:
        for _hour in range(2):
            for _ in range(5):
                _send()
                traveller.shift(61)
            traveller.shift(3600)
        elapsed = 2 * (5 * 61 + 3600)
        assert _refused_after() == 86400 - elapsed
        assert OtpChallenge.objects.count() == 10
        traveller.shift(86400 - elapsed)
        assert _send()


def test_at_most_twenty_per_ip_per_hour():
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(20):
            _send(phone=f"+88017100000{n:02d}", ip="10.1.1.1")
            traveller.shift(1)
        assert _refused_after(phone="+8801710000099", ip="10.1.1.1") == 3600 - 20
        assert _send(phone="+8801710000099", ip="10.1.1.2")  # another address is not held back
    assert OtpChallenge.objects.count() == 21


def test_resend_within_the_cooldown_answers_429_with_retry_after_in_bengali():
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        client.post(REGISTER, {"mobile": PHONE})
        traveller.shift(15)
        response = client.post(VERIFY, {"resend": "1"})
    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    body = response.content.decode()
    assert "অনেকবার কোড চাওয়া হয়েছে। অনুগ্রহ করে ৪৫ সেকেন্ড অপেক্ষা করে আবার চেষ্টা করুন।" in body
    assert 'role="alert"' in body
    assert len(sms_to(PHONE)) == 1


def test_sixth_request_in_an_hour_on_the_page_is_a_429_in_minutes_and_in_english():
    client = Client()
    client.cookies["sheba_language"] = "en"
    with time_machine.travel(START, tick=False) as traveller:
        client.post(REGISTER, {"mobile": PHONE})
        for _ in range(4):
            traveller.shift(61)
            assert client.post(VERIFY, {"resend": "1"}).status_code == 302
        traveller.shift(61)
        response = client.post(VERIFY, {"resend": "1"})
    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 305)
    assert "Please wait 55 minutes and try again." in response.content.decode()
    assert len(sms_to(PHONE)) == 5


def test_first_request_refused_by_the_ip_limit_stays_on_the_form_with_the_number_kept():
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(20):
            _send(phone=f"+88017100000{n:02d}", ip="127.0.0.1")
            traveller.shift(1)
        response = Client().post(REGISTER, {"mobile": "01712345678"})
    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 20)
    assert 'value="01712345678"' in response.content.decode()
    assert not OtpChallenge.objects.filter(phone=PHONE).exists()


def test_sending_fails_closed_when_the_rate_limit_store_is_down(settings):
    settings.CACHES = {"default": {"BACKEND": "sheba.accounts.tests.test_auth_ratelimit.DownCache"}}
    response = Client().post(REGISTER, {"mobile": PHONE})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "অনেকবার কোড চাওয়া হয়েছে" in response.content.decode()
    assert OtpChallenge.objects.count() == 0
    assert Message.objects.count() == 0


def test_counts_survive_a_busy_cache():
    """The database cache culls a third of its rows past MAX_ENTRIES (300 by default): the
    settings raise that, so other cache traffic cannot wipe the send counts."""
    from django.core.cache import cache

    with time_machine.travel(START, tick=False):
        _send()
        cache.set_many({f"~busy:{n}": n for n in range(400)}, timeout=3600)  # sorts after "rl:"
        cache.set("one-more", 1)
        assert _refused_after() == 60
