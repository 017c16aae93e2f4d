"""Throttle of the public status page against enumeration of tracking numbers.

Every *unsuccessful* lookup (malformed, mistyped or unknown number) is counted against the
address in the shared sliding-window limiter (``sheba.core.ratelimit``, on the database cache,
so all web processes share the count). A successful lookup costs nothing extra: the hot path
of the page stays one indexed query.

Once an address is over the limit, *every* lookup from it — found or not — answers 429, so a
refusal never tells "unknown" from "found". Each process remembers the addresses it has seen
refused until their wait is over; a process that has not seen that address refused yet learns
it on the address's next unsuccessful lookup. So beyond the limit an address learns at most one
more "unknown" per web process per window — bounded, and far below anything useful against a
50-bit random number.
"""

from __future__ import annotations

import math
import threading

from django.conf import settings

from sheba.core import clock, ratelimit

WINDOW_SECONDS = 60
_MAX_REMEMBERED = 10_000
_blocked: dict[str, float] = {}  # address -> moment (timestamp) its wait ends, in this process
_lock = threading.Lock()


def limit() -> int:
    return int(getattr(settings, "SHEBA_STATUS_LOOKUPS_PER_MINUTE", 30))


def _rules(address: str) -> list[ratelimit.Rule]:
    return [ratelimit.Rule(f"status:ip:{address}", limit(), WINDOW_SECONDS)]


def blocked_for(address: str) -> int:
    """Seconds this address must still wait (0: it may look up), from this process's memory."""
    until = _blocked.get(address)
    if until is None:
        return 0
    left = until - clock.now().timestamp()
    if left <= 0:
        with _lock:
            _blocked.pop(address, None)
        return 0
    return max(1, math.ceil(left))


def count_failure(address: str) -> int:
    """Count one unsuccessful lookup. Returns 0 if it was within the limit, else the seconds to
    wait (the lookup is then refused, and this process remembers the address)."""
    wait = ratelimit.hit(_rules(address))
    if wait:
        with _lock:
            if len(_blocked) >= _MAX_REMEMBERED:
                now = clock.now().timestamp()
                for key in [k for k, until in _blocked.items() if until <= now] or list(_blocked)[: _MAX_REMEMBERED // 10]:
                    _blocked.pop(key, None)
            _blocked[address] = clock.now().timestamp() + wait
    return wait


def reset(address: str | None = None) -> None:
    """Forget the counts (tests and operators): of one address, or this process's memory of all."""
    with _lock:
        if address is None:
            _blocked.clear()
        else:
            _blocked.pop(address, None)
    if address is not None:
        ratelimit.reset(_rules(address))
