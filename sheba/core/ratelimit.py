"""A small sliding-window rate limiter on Django's cache.

The default cache is the database cache, shared by every web process and the worker, so the
counts hold across processes. Each rule keeps the times of the recent events under one key;
a request is allowed only if every rule allows it, and then it is counted against every rule.

The limiter FAILS CLOSED: if the cache cannot be read or written, the request is refused
(as if rate-limited) rather than let through unchecked.

Call it outside any database transaction: the database cache writes through the default
connection, and its rows must commit on their own.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import caches

from sheba.core import clock

log = logging.getLogger(__name__)

CACHE_ALIAS = "default"
# What a caller is told to wait when the store is down: long enough not to hammer it.
FAIL_CLOSED_WAIT = 60
_LOCK_SECONDS = 10
_LOCK_TRIES = 50
_LOCK_PAUSE = 0.02


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` events per ``window`` seconds for ``key``."""

    key: str
    limit: int
    window: int


class StoreUnavailable(Exception):
    """The cache could not be used; the caller must refuse."""


def _cache_key(key: str) -> str:
    # Keys often hold phone numbers or IP addresses: keep them out of the cache table.
    return "rl:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _acquire(cache, keys: Sequence[str]) -> list[tuple[str, str]]:
    """Take a short lock on every key, always in the same (sorted) order."""
    held: list[tuple[str, str]] = []
    try:
        for key in sorted(set(keys)):
            lock_key, token = key + ":lock", secrets.token_hex(8)
            for _attempt in range(_LOCK_TRIES):
                if cache.add(lock_key, token, timeout=_LOCK_SECONDS):
                    held.append((lock_key, token))
                    break
                time.sleep(_LOCK_PAUSE)  # only under real contention
            else:
                raise StoreUnavailable("rate-limit lock busy")
    except Exception:
        _release(cache, held)
        raise
    return held


def _release(cache, held: Sequence[tuple[str, str]]) -> None:
    for lock_key, token in held:
        try:
            if cache.get(lock_key) == token:
                cache.delete(lock_key)
        except Exception:  # noqa: BLE001 - the lock also expires by itself
            log.warning("rate-limit lock release failed")


def _wait_for(stamps: list[float], rule: Rule, now: float) -> int:
    """Seconds until one more event fits under ``rule`` (0 if it fits now)."""
    if len(stamps) < rule.limit:
        return 0
    oldest_that_must_expire = stamps[len(stamps) - rule.limit]
    return max(1, math.ceil(oldest_that_must_expire + rule.window - now))


def hit(rules: Sequence[Rule]) -> int:
    """Count one event against every rule if all of them allow it.

    Returns 0 when the event is allowed (and counted), otherwise the number of seconds to wait
    (nothing is counted). If the cache fails, returns ``FAIL_CLOSED_WAIT``: the event is refused.
    """
    try:
        cache = caches[CACHE_ALIAS]
        keys = [_cache_key(rule.key) for rule in rules]
        held = _acquire(cache, keys)
        try:
            now = clock.now().timestamp()
            stored = cache.get_many(keys)
            windows: list[list[float]] = []
            wait = 0
            for rule, key in zip(rules, keys, strict=True):
                raw = stored.get(key) or []
                stamps = sorted(float(t) for t in raw if float(t) > now - rule.window)
                windows.append(stamps)
                wait = max(wait, _wait_for(stamps, rule, now))
            if wait:
                return wait
            for rule, key, stamps in zip(rules, keys, windows, strict=True):
                cache.set(key, [*stamps, now][-rule.limit :], timeout=rule.window)
            return 0
        finally:
            _release(cache, held)
    except Exception:  # noqa: BLE001 - fail closed on any store problem
        log.warning("rate-limit store unavailable; refusing", exc_info=True)
        return FAIL_CLOSED_WAIT


def peek(rules: Sequence[Rule]) -> int:
    """Seconds to wait before ``hit`` would allow an event (0 if it would now), counting nothing."""
    try:
        cache = caches[CACHE_ALIAS]
        now = clock.now().timestamp()
        wait = 0
        for rule in rules:
            raw = cache.get(_cache_key(rule.key)) or []
            stamps = sorted(float(t) for t in raw if float(t) > now - rule.window)
            wait = max(wait, _wait_for(stamps, rule, now))
        return wait
    except Exception:  # noqa: BLE001
        log.warning("rate-limit store unavailable; refusing", exc_info=True)
        return FAIL_CLOSED_WAIT


def reset(rules: Sequence[Rule]) -> None:
    """Forget the counts of these rules (used by tests and by operators)."""
    caches[CACHE_ALIAS].delete_many([_cache_key(rule.key) for rule in rules])
