"""E-mail through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest

from sheba.notifications.services import message_deliver, notify

from .conftest import reload

pytestmark = pytest.mark.django_db


def verify_email(language="bn"):
    (message,) = notify(
        event="email_verify",
        context={"link": "https://sheba.example/accounts/email/confirm/abc123/", "name": "রহিমা খাতুন"},
        email_to="rahima@example.com",
        language=language,
    )
    return message


def test_bengali_email_arrives_intact_over_smtp(clock, settings, smtp_server):
    settings.DEFAULT_FROM_EMAIL = "Sheba <no-reply@sheba.example>"
    message = verify_email()
    assert message_deliver(message_id=str(message.pk)) == "sent"
    (received,) = smtp_server.messages
    assert smtp_server.envelopes == [("no-reply@sheba.example", ["rahima@example.com"])]
    # Folded into RFC 2047 encoded words; unfolding leaves the usual leading space.
    assert received["Subject"].strip() == "সেবা: আপনার ই-মেইল ঠিকানা নিশ্চিত করুন"
    assert received["To"] == "rahima@example.com"
    assert received["Message-ID"] == f"<{message.pk}@sheba.example>"
    assert received.get_content_charset() == "utf-8"
    body = received.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    assert body.startswith("প্রিয় রহিমা খাতুন,\n")
    assert "https://sheba.example/accounts/email/confirm/abc123/" in body
    assert body.rstrip("\n") == message.body
    message = reload(message)
    assert (message.status, message.gateway, message.provider_reference) == (
        "sent", "smtp", f"<{message.pk}@sheba.example>")


def test_smtp_down_means_retry_then_it_goes_out(clock, settings, smtp_down):
    message = verify_email(language="en")
    assert message_deliver(message_id=str(message.pk)) == "created"
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == ("created", 1, "smtp: ConnectionRefusedError")
    assert message.next_attempt_at is not None

    from sheba.notifications.testing import SmtpStub

    server = SmtpStub()
    server.port = smtp_down
    server.start()
    try:
        clock.move_to(message.next_attempt_at)
        assert message_deliver(message_id=str(message.pk)) == "sent"
        (received,) = server.messages
        assert received["Subject"].strip() == "Sheba: confirm your e-mail address"
    finally:
        server.stop()
    assert reload(message).attempts == 2


def test_outbox_email_backend_keeps_it_for_the_outbox_page(clock, settings):
    settings.SHEBA_EMAIL_BACKEND = "outbox"
    message = verify_email()
    assert message_deliver(message_id=str(message.pk)) == "sent"
    assert reload(message).gateway == "outbox"
