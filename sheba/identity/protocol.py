"""The wire protocol between Sheba and the national identity register (pure Python, no Django).

Request::

    POST /api/v1/verify
    Content-Type: application/json
    X-Client-Id: <client id issued by the register>
    X-Timestamp: <unix seconds, integer>
    X-Signature: hex(HMAC-SHA256(secret, "POST|/api/v1/verify|<timestamp>|" + hex(SHA-256(body))))

    {"request_id": "<uuid4, makes every signature unique>", "kind": "nid" | "brn",
     "number": "<10, 13 or 17 ASCII digits>", "name_bn": "...", "name_en": "...",
     "date_of_birth": "YYYY-MM-DD", "father_name": "...", "mother_name": "..."}

The register refuses a timestamp more than ``MAX_SKEW_SECONDS`` away from its clock and any
signature it has already seen (a replay) with 401. Answer (200)::

    {"request_id": "...", "status": "match" | "mismatch" | "not_found",
     "fields": {"name": true, "date_of_birth": false, "father_name": true, "mother_name": null}}

``fields`` says only whether each supplied field agrees (``null``: not supplied); the register
never sends its own data back. Errors: 400 ``{"error": "malformed", "detail": ...}``, 401
``{"error": "bad_signature" | "unknown_client" | "stale_timestamp" | "replayed"}``, 5xx.
"""

from __future__ import annotations

import hashlib
import hmac

VERIFY_PATH = "/api/v1/verify"
MAX_SKEW_SECONDS = 300
FIELDS = ("name", "date_of_birth", "father_name", "mother_name")
STATUSES = ("match", "mismatch", "not_found")


def string_to_sign(method: str, path: str, timestamp: str, body: bytes) -> bytes:
    return f"{method.upper()}|{path}|{timestamp}|{hashlib.sha256(body).hexdigest()}".encode()


def sign(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), string_to_sign(method, path, timestamp, body), hashlib.sha256).hexdigest()


def signature_valid(secret: str, method: str, path: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, method, path, timestamp, body), signature or "")
