"""Notification figures, each overridable in settings (names in capitals below)."""

from __future__ import annotations

from django.conf import settings

# A gateway call never waits longer than this, whatever SHEBA_SMS_TIMEOUT_SECONDS says.
MAX_GATEWAY_TIMEOUT_SECONDS = 10.0


def max_attempts() -> int:
    """Send attempts before a message is given up as failed."""
    return int(getattr(settings, "SHEBA_NOTIFY_MAX_ATTEMPTS", 8))


def backoff_base_seconds() -> float:
    """Wait after the first failed attempt; it doubles after each further failure."""
    return float(getattr(settings, "SHEBA_NOTIFY_BACKOFF_SECONDS", 10))


def backoff_max_seconds() -> float:
    return float(getattr(settings, "SHEBA_NOTIFY_BACKOFF_MAX_SECONDS", 900))


def stale_seconds() -> float:
    """A message "sending" for longer than this belonged to a worker that died; send it again."""
    return float(getattr(settings, "SHEBA_NOTIFY_STALE_SECONDS", 60))


def created_grace_seconds() -> float:
    """A due message still "created" after this long has lost its queue entry; queue it again."""
    return float(getattr(settings, "SHEBA_NOTIFY_CREATED_GRACE_SECONDS", 30))


def breaker_failures() -> int:
    """Consecutive failures that open a gateway's circuit (the fallback then takes over)."""
    return int(getattr(settings, "SHEBA_SMS_BREAKER_FAILURES", 3))


def breaker_cooldown_seconds() -> float:
    """How long an open circuit stays open before the primary gateway is tried again."""
    return float(getattr(settings, "SHEBA_SMS_BREAKER_COOLDOWN_SECONDS", 60))


def sms_max_segments() -> int:
    """An SMS longer than this is cut (a 10,000-character name must not cost 150 segments)."""
    return int(getattr(settings, "SHEBA_SMS_MAX_SEGMENTS", 4))


def sms_timeout_seconds() -> float:
    return min(float(settings.SHEBA_SMS_TIMEOUT_SECONDS), MAX_GATEWAY_TIMEOUT_SECONDS)


def email_timeout_seconds() -> float:
    return min(float(getattr(settings, "EMAIL_TIMEOUT", None) or MAX_GATEWAY_TIMEOUT_SECONDS), MAX_GATEWAY_TIMEOUT_SECONDS)
