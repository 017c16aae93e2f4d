"""The hash chain's canonical serialisation (version 1). Changing it needs a new version number.

hash = SHA-256( canonical JSON of {v, seq, at, actor, action, object_type, object_id, data, ip,
request_id, prev} ) where canonical JSON means: keys sorted, no whitespace, UTF-8 (not \\u escapes),
every string NFC-normalised, times in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, floats that are whole
numbers written as integers (PostgreSQL's jsonb gives them back that way), NaN/Infinity refused.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

CHAIN_VERSION = 1
_ZERO = timedelta(0)
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def nfc_json(value: Any) -> Any:
    """A JSON-safe copy of ``value`` with every string (keys too) in NFC; tuples become lists."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("audit data cannot hold NaN or Infinity")
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {unicodedata.normalize("NFC", str(k)): nfc_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [nfc_json(v) for v in value]
    raise TypeError(f"audit data must be plain JSON, not {type(value).__name__}")


def utc_iso(at: datetime) -> str:
    if at.utcoffset() != _ZERO:
        at = at.astimezone(UTC)
    return f"{at.year:04d}-{at.month:02d}-{at.day:02d}T{at.hour:02d}:{at.minute:02d}:{at.second:02d}.{at.microsecond:06d}Z"


def normalise_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(str(ip).strip()))
    except ValueError:
        return None


def row_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
    ip: str | None,
    request_id: str,
    prev_hash: str,
    version: int = CHAIN_VERSION,
    assume_canonical: bool = False,
) -> str:
    """SHA-256 hex of the row's canonical serialisation.

    ``assume_canonical`` skips NFC and number/IP normalisation (the verifier's fast path, for values
    read back from the database, which the writer stored already normalised). It gives the canonical
    hash whenever the values are canonical; a caller that gets a mismatch must retry without it."""
    if version != CHAIN_VERSION:
        raise ValueError(f"unknown audit chain version {version}")
    body = {
        "v": version,
        "seq": seq,
        "at": utc_iso(at),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
        "ip": ip if assume_canonical else normalise_ip(ip),
        "request_id": request_id,
        "prev": prev_hash,
    }
    text = _dumps(body if assume_canonical else nfc_json(body))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_encode_str = json.JSONEncoder(ensure_ascii=False).encode


def row_hash_fast(
    *,
    seq: int,
    at: datetime | str,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
    ip: str | None,
    request_id: str,
    prev_hash: str,
    version: int = CHAIN_VERSION,
) -> str:
    """``row_hash(..., assume_canonical=True)`` without building and sorting a dict: the version-1
    body written out in its sorted key order (about 2.5 times faster; the verifier's fast path).
    Same contract: equal to the canonical hash whenever the values are canonical. ``at`` may be
    given already as its canonical text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``, as the verifier reads it)."""
    if version != CHAIN_VERSION:
        raise ValueError(f"unknown audit chain version {version}")
    text = "".join((
        '{"action":', _encode_str(action), ',"actor":', "null" if actor_id is None else str(int(actor_id)),
        ',"at":"', at if isinstance(at, str) else utc_iso(at), '","data":', _dumps(data), ',"ip":', "null" if ip is None else _encode_str(ip),
        ',"object_id":', _encode_str(object_id), ',"object_type":', _encode_str(object_type),
        ',"prev":', _encode_str(prev_hash), ',"request_id":', _encode_str(request_id),
        ',"seq":', str(int(seq)), ',"v":1}',
    ))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
