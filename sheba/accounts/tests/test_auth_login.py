"""Login: mobile + MPIN; new device = OTP + MPIN; 5 wrong -> OTP; 10 -> MPIN disabled; 100 failed
steps -> locked; same answer for unknown numbers, wrong MPINs and officers; session handling."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sheba.accounts import services
from sheba.accounts.models import Device, OtpChallenge, SessionRecord, User, UserKind
from sheba.accounts.tests.test_auth_helpers import (
    FAST_HASHERS,
    GOOD_MPIN,
    OTHER_MPIN,
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

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:login_verify")
DASHBOARD = reverse("accounts:dashboard")
REFUSED = "মোবাইল নম্বর বা এমপিন সঠিক নয়।"


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def citizen():
    return make_citizen(PHONE)


def _post(client, mpin, phone=PHONE):
    return client.post(LOGIN, {"mobile": phone, "mpin": mpin})


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_new_device_needs_an_otp_then_is_remembered(citizen):
    browser = Client()
    response = _post(browser, GOOD_MPIN)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert "_auth_user_id" not in browser.session  # no session before the OTP
    assert [m.event for m in sms_to(PHONE)][-1] == "otp"
    page = browser.get(VERIFY)
    assert "নতুন কোনো ডিভাইস" in page.content.decode()
    response = browser.post(VERIFY, {"code": last_code(PHONE)})
    assert response["Location"] == DASHBOARD
    assert int(browser.session["_auth_user_id"]) == citizen.pk
    cookie = response.cookies[services.DEVICE_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert not cookie["secure"]  # plain http in tests; Secure in production (next test)
    device = Device.objects.get(user=citizen, token_hash=services.device_token_hash(cookie.value))
    assert cookie.value not in device.token_hash  # only the hash is kept
    # the same browser later: MPIN alone
    browser.post(reverse("accounts:logout"))
    sent = len(sms_to(PHONE))
    response = _post(browser, GOOD_MPIN)
    assert response["Location"] == DASHBOARD
    assert len(sms_to(PHONE)) == sent


def test_device_cookie_is_secure_in_production(citizen, settings):
    settings.SESSION_COOKIE_SECURE = True
    browser = Client()
    _post(browser, GOOD_MPIN)
    response = browser.post(VERIFY, {"code": last_code(PHONE)})
    assert response.cookies[services.DEVICE_COOKIE]["secure"] is True


def test_known_device_logs_in_with_the_mpin_alone(citizen):
    browser = login_client()
    browser.post(reverse("accounts:logout"))
    challenges = OtpChallenge.objects.count()
    response = _post(browser, GOOD_MPIN)
    assert response["Location"] == DASHBOARD
    assert OtpChallenge.objects.count() == challenges


def test_a_revoked_or_forged_device_cookie_needs_the_otp_again(citizen):
    browser = login_client()
    browser.post(reverse("accounts:logout"))
    Device.objects.update(revoked_at=citizen.date_joined)
    assert _post(browser, GOOD_MPIN)["Location"] == VERIFY
    other = Client()
    other.cookies[services.DEVICE_COOKIE] = "forged-token"
    assert _post(other, GOOD_MPIN)["Location"] == VERIFY


def test_session_key_changes_at_login_and_is_recorded(citizen):
    browser = Client()
    browser.get(LOGIN)
    browser.post(LOGIN, {"mobile": PHONE, "mpin": "bad"})  # makes no session
    _post(browser, GOOD_MPIN)
    before = browser.session.session_key
    assert before  # the OTP step keeps its state in the anonymous session
    browser.post(VERIFY, {"code": last_code(PHONE)})
    after = browser.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert list(SessionRecord.objects.values_list("session_key", flat=True)) == [after]


def test_logout_get_asks_and_post_kills_the_server_session(citizen):
    browser = login_client()
    key = browser.session.session_key
    page = browser.get(reverse("accounts:logout"))
    assert page.status_code == 200
    assert Session.objects.filter(session_key=key).exists()  # a GET logs nobody out
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get(reverse("accounts:logout")).context["user"].is_authenticated
    response = browser.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not SessionRecord.objects.filter(session_key=key).exists()
    # the old cookie is worth nothing now
    assert not stolen.get(reverse("accounts:logout")).context["user"].is_authenticated


def test_unknown_number_and_wrong_mpin_get_the_same_answer_and_the_same_hashing_work(citizen, monkeypatch):
    work = []
    depth = []  # MD5's verify calls encode: count only the outermost hashing call
    original_verify, original_encode = MD5PasswordHasher.verify, MD5PasswordHasher.encode

    def counted(original, name):
        def wrapper(self, *args):
            if not depth:
                work.append(name)
            depth.append(1)
            try:
                return original(self, *args)
            finally:
                depth.pop()

        return wrapper

    monkeypatch.setattr(MD5PasswordHasher, "verify", counted(original_verify, "verify"))
    monkeypatch.setattr(MD5PasswordHasher, "encode", counted(original_encode, "encode"))

    wrong = _post(Client(), OTHER_MPIN)
    wrong_work, work[:] = list(work), []
    unknown = _post(Client(), OTHER_MPIN, phone=PHONE_B)
    unknown_work = list(work)
    assert wrong.status_code == unknown.status_code == 200
    assert REFUSED in wrong.content.decode()
    assert without_csrf(wrong.content).replace(PHONE, "X") == without_csrf(unknown.content).replace(PHONE_B, "X")
    assert (wrong_work, unknown_work) == (["verify"], ["encode"])  # one password hash each: similar timing


def test_officers_cannot_log_in_here(citizen):
    officer = User.objects.create_user(username=PHONE_B, password=GOOD_MPIN, kind=UserKind.OFFICER, mobile=PHONE_B)
    response = _post(Client(), GOOD_MPIN, phone=PHONE_B)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not SessionRecord.objects.filter(user=officer).exists()
    assert OtpChallenge.objects.filter(phone=PHONE_B).count() == 0


def test_five_wrong_mpins_then_an_otp_is_needed_even_on_a_known_device(citizen):
    browser = login_client()
    browser.post(reverse("accounts:logout"))
    for n in range(1, 6):
        response = _post(browser, OTHER_MPIN)
        assert REFUSED in response.content.decode()
        assert _fresh(citizen).mpin_failures == n
    response = _post(browser, GOOD_MPIN)
    assert response["Location"] == VERIFY
    assert "আগে ভুল এমপিন দেওয়া হয়েছিল" in browser.get(VERIFY).content.decode()
    assert OtpChallenge.objects.filter(purpose="unlock").count() == 1
    response = browser.post(VERIFY, {"code": last_code(PHONE)})
    assert response["Location"] == DASHBOARD
    fresh = _fresh(citizen)
    assert (fresh.mpin_failures, fresh.consecutive_failures) == (0, 0)


def test_four_wrong_mpins_do_not_yet_need_an_otp(citizen):
    browser = login_client()
    browser.post(reverse("accounts:logout"))
    for _ in range(4):
        _post(browser, OTHER_MPIN)
    assert _post(browser, GOOD_MPIN)["Location"] == DASHBOARD
    assert _fresh(citizen).mpin_failures == 0


def test_ten_wrong_mpins_disable_the_mpin_until_it_is_reset_by_otp(citizen, identity_register):
    give_identity(citizen)
    browser = login_client()
    browser.post(reverse("accounts:logout"))
    challenges = OtpChallenge.objects.count()
    for _ in range(9):
        _post(browser, OTHER_MPIN)
    assert _fresh(citizen).mpin_disabled_at is None
    _post(browser, OTHER_MPIN)
    assert _fresh(citizen).mpin_disabled_at is not None
    # now even the right MPIN is refused, with the same words
    response = _post(browser, GOOD_MPIN)
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in browser.session
    assert OtpChallenge.objects.count() == challenges
    # the OTP reset brings it back
    browser.post(reverse("accounts:mpin_forgot"), {"mobile": PHONE})
    browser.post(reverse("accounts:mpin_forgot_verify"), {"code": last_code(PHONE)})
    assert confirm_identity(browser)["Location"] == reverse("accounts:mpin_forgot_new")  # NID re-check (issue 6)
    browser.post(reverse("accounts:mpin_forgot_new"), {"mpin": "502719", "mpin2": "502719"})
    fresh = _fresh(citizen)
    assert (fresh.mpin_disabled_at, fresh.mpin_failures) == (None, 0)
    assert _post(browser, "502719")["Location"] == DASHBOARD


def test_one_hundred_failed_sign_in_steps_in_a_row_lock_the_account(citizen, identity_register):
    give_identity(citizen)
    browser = Client()
    for _ in range(99):  # through the service, for speed; the last one through the page
        with pytest.raises(services.LoginRefused):
            services.citizen_login_check(phone=PHONE, mpin=OTHER_MPIN, device_token=None)
    fresh = _fresh(citizen)
    assert (fresh.consecutive_failures, fresh.locked_at) == (99, None)
    _post(browser, OTHER_MPIN)
    fresh = _fresh(citizen)
    assert fresh.consecutive_failures == 100
    assert fresh.locked_at is not None
    # locked: only the OTP reset unlocks
    User.objects.filter(pk=citizen.pk).update(mpin_disabled_at=None, mpin_failures=0)
    assert REFUSED in _post(browser, GOOD_MPIN).content.decode()
    browser.post(reverse("accounts:mpin_forgot"), {"mobile": PHONE})
    browser.post(reverse("accounts:mpin_forgot_verify"), {"code": last_code(PHONE)})
    assert confirm_identity(browser)["Location"] == reverse("accounts:mpin_forgot_new")  # NID re-check (issue 6)
    browser.post(reverse("accounts:mpin_forgot_new"), {"mpin": "502719", "mpin2": "502719"})
    fresh = _fresh(citizen)
    assert (fresh.locked_at, fresh.consecutive_failures) == (None, 0)
    assert _post(browser, "502719")["Location"] == DASHBOARD


def test_wrong_login_otps_count_towards_the_lock(citizen):
    User.objects.filter(pk=citizen.pk).update(consecutive_failures=98)
    browser = Client()
    _post(browser, GOOD_MPIN)  # right MPIN on a new device: OTP step, counters untouched
    assert _fresh(citizen).consecutive_failures == 98
    code = last_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    browser.post(VERIFY, {"code": wrong})
    assert _fresh(citizen).locked_at is None
    response = browser.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert _fresh(citizen).locked_at is not None
    response = browser.post(VERIFY, {"code": code})
    assert REFUSED in response.content.decode() or "মেয়াদ শেষ" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_login_otp_replay_is_refused():
    import time_machine

    with time_machine.travel("2026-11-22 10:00:00+06:00", tick=False) as traveller:
        make_citizen(PHONE)  # inside the travel, so "the newest SMS" means what it says
        traveller.shift(1)
        browser = Client()
        _post(browser, GOOD_MPIN)
        code = last_code(PHONE)
        state = dict(browser.session)
        browser.post(VERIFY, {"code": code})
        browser.post(reverse("accounts:logout"))
        # the same browser: the finished step is gone
        response = browser.post(VERIFY, {"code": code})
        assert response["Location"] == LOGIN
        # even with the pre-login state, once the double-click grace has passed
        traveller.shift(61)
        replay = Client()
        session = replay.session
        session.update(state)
        session.save()
        replay.cookies["sessionid"] = session.session_key
        response = replay.post(VERIFY, {"code": code})
        assert response.status_code == 200
        assert "আগেই ব্যবহার করা হয়েছে" in response.content.decode()
        assert "_auth_user_id" not in replay.session
    assert SessionRecord.objects.count() == 0


def test_double_clicked_otp_submit_lands_on_the_dashboard_both_times(citizen):
    browser = Client()
    _post(browser, GOOD_MPIN)
    code = last_code(PHONE)
    state = dict(browser.session)
    first = browser.post(VERIFY, {"code": code})
    twin = Client()
    session = twin.session
    session.update(state)
    session.save()
    twin.cookies["sessionid"] = session.session_key
    second = twin.post(VERIFY, {"code": code})
    assert first["Location"] == second["Location"] == DASHBOARD
    # and a double-clicked MPIN step sends one code, not two (no cooldown refusal either)
    cache.clear()
    other = Client()
    assert _post(other, GOOD_MPIN)["Location"] == VERIFY
    assert _post(other, GOOD_MPIN)["Location"] == VERIFY


def test_next_is_followed_only_within_the_site(citizen):
    browser = login_client()
    browser.post(reverse("accounts:logout"))
    response = browser.post(LOGIN + "?next=/accounts/profile/", {"mobile": PHONE, "mpin": GOOD_MPIN, "next": "/accounts/profile/"})
    assert response["Location"] == "/accounts/profile/"
    browser.post(reverse("accounts:logout"))
    for target in ("https://evil.example/", "//evil.example/", "dashboard", "javascript:alert(1)"):
        response = browser.post(LOGIN, {"mobile": PHONE, "mpin": GOOD_MPIN, "next": target})
        assert response["Location"] == DASHBOARD
        browser.post(reverse("accounts:logout"))


@pytest.mark.parametrize("field", ["mobile", "mpin"])
def test_ten_thousand_characters_are_refused_cleanly(citizen, field):
    data = {"mobile": PHONE, "mpin": GOOD_MPIN, field: "৯" * 10_000}
    response = Client().post(LOGIN, data)
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_html_in_the_mobile_field_is_shown_escaped():
    response = Client().post(LOGIN, {"mobile": '"><img src=x onerror=alert(1)>', "mpin": GOOD_MPIN})
    body = response.content.decode()
    assert "<img src=x" not in body
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body


def test_bengali_digits_in_the_number_and_mpin_log_in(citizen):
    browser = login_client()
    browser.post(reverse("accounts:logout"))
    response = browser.post(LOGIN, {"mobile": "০১৭১২-৩৪৫৬৭৮", "mpin": "৪৮২৯১৫"})
    assert response["Location"] == DASHBOARD


def test_a_login_code_refused_by_the_send_limit_is_a_429_on_the_login_page(citizen):
    import time_machine

    from sheba.accounts import otp

    with time_machine.travel("2026-11-22 10:00:00+06:00", tick=False):
        otp.otp_request(phone=PHONE, purpose="reset_mpin", ip="10.0.0.9", language="bn", user=citizen)
        response = _post(Client(), GOOD_MPIN)  # a new device within the 60-second cooldown
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "অনুগ্রহ করে ৬০ সেকেন্ড অপেক্ষা করে" in response.content.decode()
    assert "_auth_user_id" not in Client().session
    assert not OtpChallenge.objects.filter(purpose="login").exists()
