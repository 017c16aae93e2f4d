"""The one clock. Code asks ``now()``; tests move time with time-machine, never with sleeps."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """Today's date in Bangladesh (the configured time zone)."""
    return timezone.localdate()
