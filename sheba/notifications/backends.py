"""Gateways behind one small interface, chosen in settings.

``SHEBA_SMS_BACKEND``: ``outbox`` (kept in the database, read on the developer outbox page) or
``http`` (JSON POST to ``SHEBA_SMS_URL``, with ``SHEBA_SMS_FALLBACK_URL`` taking over while the
primary's circuit is open). ``SHEBA_EMAIL_BACKEND``: ``outbox`` or ``smtp`` (Django's SMTP
backend on ``EMAIL_HOST``/``EMAIL_PORT``).

A backend only talks to the outside world: it is called with no database transaction open
and reports the outcome as a ``SendResult`` or by raising ``TemporaryFailure`` (try again
later) or ``PermanentFailure`` (retrying cannot help).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Protocol

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection

from sheba.notifications import conf
from sheba.notifications.models import Channel, Message

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@dataclass(frozen=True)
class SendResult:
    gateway: str
    provider_reference: str = ""


class SendFailure(Exception):
    def __init__(self, reason: str, *, gateway: str = ""):
        super().__init__(reason)
        self.reason = reason[:450]
        self.gateway = gateway


class TemporaryFailure(SendFailure):
    """The gateway is down, slow or erring: try again later."""


class PermanentFailure(SendFailure):
    """The gateway refused this message itself (bad number, bad address): do not retry."""


class Backend(Protocol):
    def send(self, message: Message) -> SendResult: ...


class OutboxBackend:
    """The demo: the message stays in the database and is read on the developer outbox page."""

    def send(self, message: Message) -> SendResult:
        return SendResult(gateway="outbox")


@dataclass(frozen=True)
class HttpGateway:
    name: str  # "primary" or "fallback": the GatewayState row and Message.gateway
    url: str
    token: str

    def send(self, message: Message) -> SendResult:
        payload = {"to": message.recipient, "message": message.body, "reference": str(message.id)}
        try:
            response = requests.post(
                self.url,
                json=payload,
                headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                timeout=conf.sms_timeout_seconds(),
                allow_redirects=False,
            )
        except requests.Timeout:
            raise TemporaryFailure("timeout", gateway=self.name) from None
        except requests.RequestException as exc:
            raise TemporaryFailure(f"connection: {type(exc).__name__}", gateway=self.name) from None
        if 200 <= response.status_code < 300:
            return SendResult(gateway=self.name, provider_reference=_provider_id(response))
        reason = f"HTTP {response.status_code}"
        if response.status_code in (400, 422):
            raise PermanentFailure(reason, gateway=self.name)
        raise TemporaryFailure(reason, gateway=self.name)


def _provider_id(response: requests.Response) -> str:
    """The gateway's own id for the message, if its JSON reply names one."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    for key in ("id", "message_id", "messageId", "reference_id", "sms_id"):
        value = data.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)[:100]
    return ""


def http_gateways() -> list[HttpGateway]:
    """The primary gateway, then the fallback when one is configured."""
    if not settings.SHEBA_SMS_URL:
        raise ImproperlyConfigured("SHEBA_SMS_BACKEND is http but SHEBA_SMS_URL is empty.")
    gateways = [HttpGateway("primary", settings.SHEBA_SMS_URL, settings.SHEBA_SMS_TOKEN)]
    if settings.SHEBA_SMS_FALLBACK_URL:
        gateways.append(
            HttpGateway("fallback", settings.SHEBA_SMS_FALLBACK_URL, settings.SHEBA_SMS_FALLBACK_TOKEN)
        )
    return gateways


class SmtpBackend:
    """Plain-text UTF-8 e-mail through Django's SMTP backend (EMAIL_HOST / EMAIL_PORT)."""

    def send(self, message: Message) -> SendResult:
        from_address = settings.DEFAULT_FROM_EMAIL
        domain = parseaddr(from_address)[1].rpartition("@")[2] or "sheba.invalid"
        # A Message-ID derived from our id lets the receiving side drop a resent duplicate.
        message_id = f"<{message.id}@{domain}>"
        email = EmailMessage(
            subject=" ".join(message.subject.split()),
            body=message.body,
            from_email=from_address,
            to=[message.recipient],
            headers={"Message-ID": message_id},
            connection=get_connection(SMTP_BACKEND, fail_silently=False, timeout=conf.email_timeout_seconds()),
        )
        email.encoding = "utf-8"
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"recipient refused: {sorted(exc.recipients)!r}", gateway="smtp") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"smtp: {type(exc).__name__}", gateway="smtp") from None
        return SendResult(gateway="smtp", provider_reference=message_id[:100])


def email_backend() -> Backend:
    name = settings.SHEBA_EMAIL_BACKEND
    if name == "outbox":
        return OutboxBackend()
    if name == "smtp":
        return SmtpBackend()
    raise ImproperlyConfigured(f"Unknown SHEBA_EMAIL_BACKEND {name!r}: use outbox or smtp.")


def sms_backend_name() -> str:
    name = settings.SHEBA_SMS_BACKEND
    if name not in ("outbox", "http"):
        raise ImproperlyConfigured(f"Unknown SHEBA_SMS_BACKEND {name!r}: use outbox or http.")
    return name


def channel_is_http_sms(message: Message) -> bool:
    return message.channel == Channel.SMS and sms_backend_name() == "http"
