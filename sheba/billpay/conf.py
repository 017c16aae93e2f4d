"""Bill-payment figures, each overridable in settings (names in capitals below)."""

from __future__ import annotations

import os

from django.conf import settings


def _figure(name: str, default: float) -> float:
    """From settings, else the environment (workers started by tests and the demo), else the default."""
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name) or default
    return float(value)


def max_attempts() -> int:
    """Posting attempts before a paid bill is given up and refunded."""
    return int(_figure("SHEBA_BILLPAY_MAX_ATTEMPTS", 6))


def backoff_base_seconds() -> float:
    """Wait after the first failed posting; it doubles after each further failure."""
    return float(_figure("SHEBA_BILLPAY_BACKOFF_SECONDS", 30))


def backoff_max_seconds() -> float:
    return float(_figure("SHEBA_BILLPAY_BACKOFF_MAX_SECONDS", 3600))


def stale_seconds() -> float:
    """A posting in flight for longer than this belonged to a worker that died (must exceed the
    biller timeout): it is checked with the biller and, if the biller has nothing, sent again."""
    return float(_figure("SHEBA_BILLPAY_STALE_SECONDS", 60))


def counter_post_codes() -> tuple[str, ...]:
    """Posts whose holders take cash at the counter (the e-service centre's front desk)."""
    return tuple(getattr(settings, "SHEBA_BILLPAY_COUNTER_POSTS", ("front_desk",)))
