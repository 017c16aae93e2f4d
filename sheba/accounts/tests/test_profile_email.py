"""E-mail confirmed by a link: happy path, expired, reused, unknown, replaced, resend limits."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from sheba.accounts.models import EmailVerification
from sheba.accounts.tests.helpers_profile import client_for, make_citizen, profile_post
from sheba.audit.models import AuditEvent
from sheba.notifications.models import Message

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
EDIT = "/accounts/profile/edit/"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def citizen():
    return make_citizen()


def english_client(citizen) -> Client:
    c = client_for(citizen)
    c.cookies["sheba_language"] = "en"
    return c


@pytest.fixture
def client(citizen, clock):
    return english_client(citizen)


def link_path(message: Message) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/email/confirm/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def ask_for(client: Client, email: str) -> str:
    """Save the profile with a new e-mail address; return the path of the link that was sent."""
    response = client.post(EDIT, profile_post(email=email))
    assert response.status_code == 302, response.context["form"].errors
    message = Message.objects.filter(event="email_verify", recipient=email).order_by("-created_at").first()
    return link_path(message)


def test_happy_path(client, citizen, clock):
    response = client.post(EDIT, profile_post(email="rahim@example.com"), follow=True)
    html = response.content.decode()
    assert "We have sent a confirmation link to rahim@example.com." in html
    assert "waiting for confirmation" in html

    verification = EmailVerification.objects.get(user=citizen)
    assert verification.email == "rahim@example.com"
    assert verification.expires_at == START + timedelta(hours=24)
    assert verification.confirmed_at is None
    message = Message.objects.get(event="email_verify")
    assert (message.channel, message.recipient, message.user, message.language) == (
        "email", "rahim@example.com", citizen, "en")
    assert message.expires_at == verification.expires_at
    path = link_path(message)
    token = path.split("/")[-2]
    assert len(token) >= 40
    assert verification.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept
    assert token not in verification.token_hash
    citizen.refresh_from_db()
    assert (citizen.email, citizen.email_verified_at) == ("", None)  # not used before it is confirmed

    # the form offers the waiting address, and saving it again sends nothing new
    assert 'value="rahim@example.com"' in client.get(EDIT).content.decode()
    client.post(EDIT, profile_post(email="rahim@example.com"))
    assert EmailVerification.objects.count() == 1

    # opening the link confirms nothing by itself (mail scanners open links)
    clock.shift(timedelta(hours=2))
    page = Client()
    page.cookies["sheba_language"] = "en"
    shown = page.get(path)
    assert shown.status_code == 200
    assert "Press the button to confirm <strong>rahim@example.com</strong>" in shown.content.decode()
    citizen.refresh_from_db()
    assert citizen.email == ""

    confirmed = page.post(path)  # works from another browser, without signing in
    assert confirmed.status_code == 200
    assert "Your e-mail address is confirmed" in confirmed.content.decode()
    citizen.refresh_from_db()
    assert citizen.email == "rahim@example.com"
    assert citizen.email_verified_at == START + timedelta(hours=2)
    verification.refresh_from_db()
    assert verification.confirmed_at == START + timedelta(hours=2)
    event = AuditEvent.objects.get(action="email.verified")
    assert event.actor == citizen
    assert event.data == {"changes": {"email": {"old": "", "new": "rahim@example.com"}}}

    client = english_client(citizen)  # a fresh sign-in: two hours idle ended the earlier session
    html = client.get("/accounts/profile/").content.decode()
    assert "waiting for confirmation" not in html
    assert "rahim@example.com — confirmed on 22 November 2026" in html


def test_expired_link(client, citizen, clock):
    path = ask_for(client, "rahim@example.com")
    clock.shift(timedelta(hours=24, seconds=1))
    page = Client()
    page.cookies["sheba_language"] = "en"
    shown = page.get(path)
    assert shown.status_code == 200
    assert "The link has expired: a link is good for 24 hours." in shown.content.decode()
    assert "Confirm this address" not in shown.content.decode()
    response = page.post(path)
    assert response.status_code == 200
    assert "The link has expired" in response.content.decode()
    citizen.refresh_from_db()
    assert (citizen.email, citizen.email_verified_at) == ("", None)
    assert EmailVerification.objects.get().confirmed_at is None
    client = english_client(citizen)
    assert "waiting for confirmation" not in client.get("/accounts/profile/").content.decode()


def test_link_valid_until_just_before_24_hours(client, citizen, clock):
    path = ask_for(client, "rahim@example.com")
    clock.shift(timedelta(hours=23, minutes=59))
    assert Client().post(path).status_code == 200
    citizen.refresh_from_db()
    assert citizen.email == "rahim@example.com"


def test_reused_link(client, citizen, clock):
    path = ask_for(client, "rahim@example.com")
    assert Client().post(path).context["state"] == "confirmed"
    citizen.refresh_from_db()
    first_confirmed = citizen.email_verified_at
    clock.shift(timedelta(minutes=5))
    page = Client()
    page.cookies["sheba_language"] = "en"
    again = page.post(path)
    assert again.status_code == 200
    assert "This link has already been used" in again.content.decode()
    citizen.refresh_from_db()
    assert citizen.email_verified_at == first_confirmed
    assert AuditEvent.objects.filter(action="email.verified").count() == 1


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 500, "%3Cscript%3E"])
def test_unknown_link(token):
    page = Client()
    page.cookies["sheba_language"] = "en"
    for response in (page.get(f"/accounts/email/confirm/{token}/"), page.post(f"/accounts/email/confirm/{token}/")):
        assert response.status_code == 200
        assert "We do not know this link." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_unknown_link_page_in_bengali():
    response = Client().get("/accounts/email/confirm/nothing/")
    assert "এই লিংকটি ব্যবহার করা যাবে না" in response.content.decode()


def test_newer_address_replaces_the_older_link(client, citizen, clock):
    old_path = ask_for(client, "old@example.com")
    clock.shift(timedelta(minutes=1))
    new_path = ask_for(client, "new@example.com")
    page = Client()
    page.cookies["sheba_language"] = "en"
    response = page.post(old_path)
    assert "A newer link has been sent since this one." in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.email == ""
    page.post(new_path)
    citizen.refresh_from_db()
    assert citizen.email == "new@example.com"
    audit = AuditEvent.objects.filter(action="profile.update").order_by("pk")
    assert [e.data["changes"]["email_pending"] for e in audit] == [
        {"old": "", "new": "old@example.com"},
        {"old": "old@example.com", "new": "new@example.com"},
    ]


def test_clearing_the_address(client, citizen, clock):
    Client().post(ask_for(client, "rahim@example.com"))
    client.post(EDIT, profile_post(email=""))
    citizen.refresh_from_db()
    assert (citizen.email, citizen.email_verified_at) == ("", None)
    event = AuditEvent.objects.filter(action="profile.update").order_by("pk").last()
    assert event.data["changes"]["email"] == {"old": "rahim@example.com", "new": ""}


def test_bad_address_is_refused_and_kept(client, citizen):
    response = client.post(EDIT, profile_post(email="rahim@@example"))
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter an e-mail address such as name@example.com."]
    assert 'value="rahim@@example"' in response.content.decode()
    assert not EmailVerification.objects.exists()
    assert not Message.objects.exists()


def test_resend_with_cooldown_and_daily_limit(client, citizen, clock):
    first_path = ask_for(client, "rahim@example.com")
    response = client.post("/accounts/profile/email/resend/", follow=True)
    assert "We have just sent the e-mail. Please wait a minute before asking again." in response.content.decode()
    assert EmailVerification.objects.count() == 1

    clock.shift(timedelta(seconds=61))
    response = client.post("/accounts/profile/email/resend/", follow=True)
    assert "We have sent the confirmation link again to rahim@example.com." in response.content.decode()
    assert EmailVerification.objects.count() == 2
    assert Message.objects.filter(event="email_verify").count() == 2
    page = Client()
    page.cookies["sheba_language"] = "en"
    assert "A newer link has been sent" in page.get(first_path).content.decode()
    newest = link_path(Message.objects.filter(event="email_verify").order_by("-created_at").first())
    assert "Confirm this address" in page.get(newest).content.decode()

    for _ in range(3):
        clock.shift(timedelta(seconds=61))
        client.post("/accounts/profile/email/resend/")
    assert EmailVerification.objects.count() == 5
    clock.shift(timedelta(seconds=61))
    response = client.post("/accounts/profile/email/resend/", follow=True)
    assert "We have sent too many confirmation e-mails to you today." in response.content.decode()
    assert EmailVerification.objects.count() == 5
    assert Message.objects.filter(event="email_verify").count() == 5
    # a different address is refused the same way, and the profile form keeps what was typed
    response = client.post(EDIT, profile_post(email="other@example.com", name_en="Changed"))
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "We have sent too many confirmation e-mails to you today. Please try again tomorrow."
    ]
    assert 'value="Changed"' in response.content.decode()
    # the limit is a sliding 24 hours: once the oldest sendings leave it, resending works again
    clock.move_to(START + timedelta(hours=24, seconds=100))
    client = english_client(citizen)
    client.post("/accounts/profile/email/resend/")
    assert EmailVerification.objects.count() == 6


def test_resend_without_a_waiting_address(client):
    response = client.post("/accounts/profile/email/resend/", follow=True)
    assert "No e-mail address is waiting for confirmation." in response.content.decode()
    assert client.get("/accounts/profile/email/resend/").status_code == 405
