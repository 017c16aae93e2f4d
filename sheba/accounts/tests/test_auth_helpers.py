"""Helpers for the citizen authentication tests (no tests here).

Accounts are made through the real services; the OTP is read from the outbox Message rows, as a
citizen would read it from the SMS.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sheba.accounts import otp, services
from sheba.accounts.models import OtpPurpose, User
from sheba.notifications.models import Message

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
GOOD_MPIN = "482915"
OTHER_MPIN = "739264"
PHONE = "+8801712345678"
PHONE_B = "+8801812345679"
PHONE_C = "+8801912345670"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def sms_to(phone: str, event: str | None = None) -> list[Message]:
    rows = Message.objects.filter(recipient=phone).order_by("created_at")
    if event:
        rows = rows.filter(event=event)
    return list(rows)


def last_code(phone: str) -> str:
    """The code in the newest OTP SMS to ``phone``."""
    message = Message.objects.filter(recipient=phone, event="otp").order_by("-created_at").first()
    assert message is not None, f"no OTP SMS to {phone}"
    found = re.search(r"(?<![0-9])[0-9]{6}(?![0-9])", message.body)
    assert found, message.body
    return found.group(0)


def make_citizen(phone: str = PHONE, mpin: str = GOOD_MPIN) -> User:
    """Register through the services, as the pages do (then forget the send counts, so the
    60-second cooldown does not get in the way of the test that follows)."""
    challenge = services.citizen_registration_start(phone=phone, ip="10.9.9.9", language="bn")
    otp.otp_verify(challenge_id=challenge.pk, phone=phone, purpose=OtpPurpose.REGISTER, code=last_code(phone))
    user = services.citizen_registration_finish(challenge_id=challenge.pk, phone=phone, mpin=mpin, language="bn")
    cache.clear()
    return user


def login_client(phone: str = PHONE, mpin: str = GOOD_MPIN, client: Client | None = None) -> Client:
    """A browser that logs in through the pages (OTP on its first visit), and keeps its device cookie."""
    client = client or Client()
    response = client.post(reverse("accounts:login"), {"mobile": phone, "mpin": mpin})
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"] == reverse("accounts:login_verify"):
        response = client.post(reverse("accounts:login_verify"), {"code": last_code(phone)})
        assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    cache.clear()  # as in make_citizen: the next test step should not meet the cooldown
    return client


def without_csrf(html: bytes) -> str:
    return _CSRF.sub('name="csrfmiddlewaretoken" value=""', html.decode())


# The simulator's first person (data/identity/synthetic_people.json): a profile the register confirms.
REGISTERED_IDENTITY = {
    "name_bn": "রহিমা খাতুন", "name_en": "Rahima Khatun", "father_name": "আবুল হোসেন",
    "mother_name": "সালেহা বেগম", "date_of_birth": date(1990, 3, 15), "identity_kind": "nid",
    "identity_number": "1990561234567",
}  # fmt: skip


def give_identity(user: User, **changes: object) -> None:
    """Record the register's first person in the citizen's profile (the forgotten-MPIN check needs it)."""
    from sheba.accounts.models import Profile

    Profile.objects.update_or_create(user=user, defaults={**REGISTERED_IDENTITY, **changes})


def confirm_identity(client: Client, number: str = "1990561234567", date_of_birth: str = "1990-03-15"):
    """The forgotten-MPIN identity step, as typed on the page."""
    return client.post(reverse("accounts:mpin_forgot_identity"), {"number": number, "date_of_birth": date_of_birth})
