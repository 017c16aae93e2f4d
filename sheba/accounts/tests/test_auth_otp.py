"""OTP: 6 digits from secrets, 5 minutes, single use (also under 20 parallel tries), bound to
phone + purpose + challenge, stored only as a keyed hash, voided after 5 wrong guesses."""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, connections

from sheba.accounts import otp
from sheba.accounts.models import OtpChallenge, OtpPurpose
from sheba.accounts.tests.test_auth_helpers import PHONE, PHONE_B, last_code, sms_to
from sheba.core import clock

START = "2026-11-22 10:00:00+06:00"


def _send(phone=PHONE, purpose=OtpPurpose.REGISTER, ip="10.0.0.1"):
    return otp.otp_request(phone=phone, purpose=purpose, ip=ip, language="bn", reuse_recent=False)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_six_digits_from_secrets(monkeypatch):
    calls = []

    def fake_randbelow(n):
        calls.append(n)
        return 42

    monkeypatch.setattr("sheba.accounts.otp.secrets.randbelow", fake_randbelow)
    assert otp.generate_code() == "000042"
    assert calls == [1_000_000]


@pytest.mark.django_db
def test_sms_carries_six_digits_and_five_minutes():
    challenge = _send()
    [message] = sms_to(PHONE)
    code = last_code(PHONE)
    assert len(code) == 6 and code.isascii() and code.isdigit()
    assert "৫ মিনিট" in message.body
    assert message.expires_at == challenge.expires_at
    assert challenge.expires_at - challenge.created_at == timedelta(minutes=5)


@pytest.mark.django_db
def test_code_is_stored_only_as_a_keyed_hash(settings):
    challenge = _send()
    code = last_code(PHONE)
    row = OtpChallenge.objects.filter(pk=challenge.pk).values().get()
    assert all(code not in str(value) for value in row.values())
    expected = hmac.new(
        settings.SHEBA_OTP_HASH_KEY.encode(), f"{challenge.pk}|{PHONE}|register|{code}".encode(), hashlib.sha256
    ).hexdigest()
    assert row["code_hash"] == expected
    assert row["code_hash"] != hashlib.sha256(code.encode()).hexdigest()  # keyed, not a bare hash


@pytest.mark.django_db
def test_code_is_valid_for_five_minutes_and_not_a_second_more():
    with time_machine.travel(START, tick=False) as traveller:
        first = _send(PHONE)
        first_code = last_code(PHONE)
        second = _send(PHONE_B)
        second_code = last_code(PHONE_B)
        traveller.shift(timedelta(minutes=5) - timedelta(seconds=1))
        assert otp.otp_verify(challenge_id=first.pk, phone=PHONE, purpose="register", code=first_code).used_at == clock.now()
        traveller.shift(1)
        with pytest.raises(otp.OtpExpired):
            otp.otp_verify(challenge_id=second.pk, phone=PHONE_B, purpose="register", code=second_code)
    assert OtpChallenge.objects.get(pk=second.pk).used_at is None


@pytest.mark.django_db
def test_code_is_single_use_and_a_replay_is_refused():
    challenge = _send()
    code = last_code(PHONE)
    otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=code)
    with pytest.raises(otp.OtpExpired):
        otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=code)


@pytest.mark.django_db
def test_code_is_bound_to_its_phone_purpose_and_challenge():
    for_a = _send(PHONE)
    code_a = last_code(PHONE)
    for_b = _send(PHONE_B)
    code_b = last_code(PHONE_B)
    cache.clear()  # the 60-second cooldown is per number, whatever the purpose
    login = _send(PHONE, purpose=OtpPurpose.LOGIN, ip="10.0.0.2")
    # A's code on B's challenge, and B's code on A's
    with pytest.raises(otp.OtpWrong):
        otp.otp_verify(challenge_id=for_b.pk, phone=PHONE_B, purpose="register", code=code_a)
    with pytest.raises(otp.OtpWrong):
        otp.otp_verify(challenge_id=for_a.pk, phone=PHONE, purpose="register", code=code_b)
    # the register code for the login challenge of the same phone
    with pytest.raises(otp.OtpWrong):
        otp.otp_verify(challenge_id=login.pk, phone=PHONE, purpose="login", code=code_a)
    # the right code and challenge, but claimed for another phone or purpose
    with pytest.raises(otp.OtpExpired):
        otp.otp_verify(challenge_id=for_a.pk, phone=PHONE_B, purpose="register", code=code_a)
    with pytest.raises(otp.OtpExpired):
        otp.otp_verify(challenge_id=for_a.pk, phone=PHONE, purpose="login", code=code_a)
    assert OtpChallenge.objects.filter(used_at__isnull=False).count() == 0
    # each still works where it belongs
    otp.otp_verify(challenge_id=for_a.pk, phone=PHONE, purpose="register", code=code_a)
    otp.otp_verify(challenge_id=for_b.pk, phone=PHONE_B, purpose="register", code=code_b)


@pytest.mark.django_db
def test_a_new_challenge_voids_the_older_one_for_the_same_phone_and_purpose():
    with time_machine.travel(START, tick=False) as traveller:
        old = _send()
        old_code = last_code(PHONE)
        traveller.shift(61)
        new = _send()
        with pytest.raises(otp.OtpExpired):
            otp.otp_verify(challenge_id=old.pk, phone=PHONE, purpose="register", code=old_code)
        assert OtpChallenge.objects.get(pk=old.pk).voided_at == clock.now()
        otp.otp_verify(challenge_id=new.pk, phone=PHONE, purpose="register", code=last_code(PHONE))


@pytest.mark.django_db
def test_five_wrong_guesses_void_the_challenge():
    challenge = _send()
    code = last_code(PHONE)
    for expected in range(1, 5):
        with pytest.raises(otp.OtpWrong):
            otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=_wrong(code))
        row = OtpChallenge.objects.get(pk=challenge.pk)
        assert (row.wrong_guesses, row.voided_at) == (expected, None)
    with pytest.raises(otp.OtpWrong):
        otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=_wrong(code))
    row = OtpChallenge.objects.get(pk=challenge.pk)
    assert row.wrong_guesses == 5
    assert row.voided_at is not None
    with pytest.raises(otp.OtpExpired):
        otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=code)


@pytest.mark.django_db
def test_four_wrong_guesses_still_leave_the_right_code_usable():
    challenge = _send()
    code = last_code(PHONE)
    for _ in range(4):
        with pytest.raises(otp.OtpWrong):
            otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=_wrong(code))
    assert otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=code).used_at


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "১২৩৪৫", "x" * 10_000, None])
@pytest.mark.django_db
def test_malformed_codes_are_wrong_guesses(typed):
    challenge = _send()
    with pytest.raises(otp.OtpWrong):
        otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=typed)
    assert OtpChallenge.objects.get(pk=challenge.pk).wrong_guesses == 1


@pytest.mark.django_db
def test_malformed_challenge_id_is_simply_not_found():
    with pytest.raises(otp.OtpExpired):
        otp.otp_verify(challenge_id="not-a-uuid", phone=PHONE, purpose="register", code="123456")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_tries_of_the_right_code_exactly_one_wins():
    challenge = _send()
    code = last_code(PHONE)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait()
            otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose="register", code=code)
            result = "won"
        except otp.OtpExpired:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 19 + ["won"]
    assert OtpChallenge.objects.get(pk=challenge.pk).used_at is not None
    connection.close()
