"""The admin requires a TOTP-verified staff session; account admin pages never show secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib import admin
from django.test import Client
from django_otp.admin import OTPAdminSite
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.accounts.models import EmailVerification, OtpChallenge, Profile, SessionRecord, User
from sheba.accounts.tests.helpers_profile import client_for, make_citizen, make_officer
from sheba.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 22, 4, 0, 5, tzinfo=UTC)
PASSWORD = "correct horse battery 7"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff():
    user = make_officer("admin.sheba", PASSWORD)
    user.is_staff = user.is_superuser = True
    user.save()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def sign_in(user: User, next_url: str = "/admin/") -> Client:
    client = Client()
    client.cookies["sheba_language"] = "en"
    client.post(f"/officer/login/?next={next_url}", {"username": user.username, "password": PASSWORD})
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post("/officer/login/code/", {"code": code})
    assert response.status_code == 302
    return client


def test_admin_site_is_the_otp_site():
    assert isinstance(admin.site, OTPAdminSite)
    assert admin.site.name == "admin"


def test_admin_refuses_staff_without_otp(staff):
    client = client_for(staff)  # password-only session
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/officer/login/?next=%2Fadmin%2F"
    assert client.get("/admin/accounts/user/").status_code == 302


def test_admin_login_page_cannot_be_used_to_bypass(staff):
    client = Client()
    response = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/officer/login/")
    assert "_auth_user_id" not in client.session


def test_admin_after_password_and_totp(clock, staff):
    client = sign_in(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Sheba administration" in response.content.decode()


def test_admin_open_redirect_refused(staff):
    response = Client().get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/officer/login/?next=%2Fadmin%2F"


def test_verified_officer_who_is_not_staff_is_kept_out(clock):
    officer = make_officer("clerk.one", PASSWORD)
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client = sign_in(officer, next_url="/officer/")
    assert client.get("/officer/").status_code == 200
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert response.status_code == 403
    assert "Your account may not use the administration pages." in response.content.decode()
    assert client.get("/admin/accounts/user/").status_code == 302


def test_account_admin_pages_show_no_secrets(clock, staff):
    citizen = make_citizen("+8801711000001")
    citizen.set_password("482915")
    citizen.save()
    Profile.objects.create(user=citizen, name_en="Rahim Uddin", identity_kind="nid", identity_number="1990123456789")
    challenge = OtpChallenge.objects.create(phone=citizen.mobile, purpose="login", user=citizen,
                                            code_hash="c0ffee" * 10, created_at=START,
                                            expires_at=START + timedelta(minutes=5))
    verification = EmailVerification.objects.create(user=citizen, email="r@example.com", token_hash="beef" * 16,
                                                     created_at=START, expires_at=START + timedelta(days=1))
    record = SessionRecord.objects.create(user=citizen, session_key="secretsessionkey0123456789", created_at=START)
    client = sign_in(staff)
    pages = [
        "/admin/accounts/user/", f"/admin/accounts/user/{citizen.pk}/change/", "/admin/accounts/user/add/",
        "/admin/accounts/profile/", f"/admin/accounts/profile/{citizen.profile.pk}/change/",
        "/admin/accounts/otpchallenge/", f"/admin/accounts/otpchallenge/{challenge.pk}/change/",
        "/admin/accounts/emailverification/", f"/admin/accounts/emailverification/{verification.pk}/change/",
        "/admin/accounts/sessionrecord/", f"/admin/accounts/sessionrecord/{record.pk}/change/",
        "/admin/accounts/device/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in ("md5$", "argon2", "pbkdf2", citizen.password, "c0ffee", "beefbeef",
                       "secretsessionkey", "1990123456789"):
            assert secret not in html, (url, secret)
    assert "•••••••••6789" in client.get(f"/admin/accounts/profile/{citizen.profile.pk}/change/").content.decode()


def test_user_admin_filters_and_search(clock, staff):
    citizen = make_citizen("+8801711000001")
    make_citizen("+8801811000002")
    client = sign_in(staff)
    staff_link = f'href="/admin/accounts/user/{staff.pk}/change/'
    html = client.get("/admin/accounts/user/?kind__exact=officer").content.decode()
    assert staff_link in html and "+8801711000001" not in html
    html = client.get("/admin/accounts/user/?kind__exact=citizen").content.decode()
    assert "+8801711000001" in html and "+8801811000002" in html and staff_link not in html
    for term in ("01711000001", "০১৭১১০০০০০১"):
        html = client.get("/admin/accounts/user/", {"q": term}).content.decode()
        assert f'href="/admin/accounts/user/{citizen.pk}/change/' in html
        assert "+8801811000002" not in html


def test_unlock_action(clock, staff):
    officer = make_officer("locked.one", PASSWORD)
    User.objects.filter(pk=officer.pk).update(consecutive_failures=100, locked_at=START)
    client = sign_in(staff)
    response = client.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.locked_at, officer.consecutive_failures) == (None, 0)
    assert AuditEvent.objects.filter(action="user.unlock", actor=staff).count() == 1


def test_admin_sets_officer_passwords_but_not_citizen_ones(clock, staff):
    client = sign_in(staff)
    response = client.post("/admin/accounts/user/add/", {
        "username": "new.officer", "kind": "officer", "mobile": "", "email": "", "preferred_language": "bn",
        "is_active": "on", "new_password": "a long new password 42",
    })
    assert response.status_code == 302
    created = User.objects.get(username="new.officer")
    assert created.check_password("a long new password 42")
    citizen = make_citizen("+8801911000003")
    response = client.post(f"/admin/accounts/user/{citizen.pk}/change/", {
        "username": citizen.username, "kind": "citizen", "mobile": citizen.mobile, "email": "",
        "preferred_language": "bn", "is_active": "on", "new_password": "a long new password 42",
    })
    assert response.status_code == 200
    assert "Only officers have passwords; citizens sign in with their MPIN." in response.content.decode()
    citizen.refresh_from_db()
    assert not citizen.check_password("a long new password 42")
