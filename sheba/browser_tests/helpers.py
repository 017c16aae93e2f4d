"""Helpers shared by the browser tests (and a few server-side session tests)."""

from __future__ import annotations

import re

from django.test import Client


def sign_in_by_cookie(context, live_server, user, *, otp_device=None) -> None:
    """Give the browser a fresh server session for ``user`` (as a completed login would)."""
    client = Client()
    client.force_login(user)
    session = client.session
    from sheba.core import clock

    session["auth_started_at"] = clock.now().timestamp()
    if otp_device is not None:
        session["otp_device_id"] = otp_device.persistent_id
    session.save()
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def latest_otp(recipient: str) -> str:
    """The newest 6-digit code sent to ``recipient`` (read from the outbox table, ASCII digits)."""
    from sheba.core.bengali import to_ascii_digits
    from sheba.notifications.models import Message

    message = Message.objects.filter(recipient=recipient).order_by("-created_at").first()
    assert message is not None, f"no message to {recipient}"
    found = re.search(r"\d{6}", to_ascii_digits(message.body))
    assert found, message.body
    return found.group(0)


def totp_now(device) -> str:
    """The current code of an officer's TOTP device (what their authenticator app shows)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
