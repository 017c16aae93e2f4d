"""The wire protocol between Sheba and a biller (pure Python, no Django), spoken by the biller
simulator (sheba/billpay/simulator.py) and by Sheba's HTTP client (sheba/billpay/adapters.py).

Every request is signed like the identity register's partner API::

    X-Client-Id: <client id>    X-Timestamp: <unix seconds>
    X-Signature: hex(HMAC-SHA256(secret, "<METHOD>|<path?query>|<timestamp>|" + hex(SHA-256(body))))

Each body (or the report's query string) carries a random ``nonce``, so no two signatures are
alike; the biller refuses a timestamp more than ``MAX_SKEW_SECONDS`` away and a signature it has
seen before (401). Endpoints (JSON in and out):

``POST /api/v1/bills/fetch`` ``{"biller", "account", "unit", "nonce"}`` →
  ``{"status": "ok", "holder_bn", "holder_en", "bill": null | {"bill_id", "month", "amount_poisha",
  "late_fee_poisha", "due_date", "payable_poisha", "paid": bool}}`` or ``{"status": "not_found"}``.
``POST /api/v1/postings`` ``{"biller", "account", "unit", "bill_id", "amount_poisha", "reference",
  "paid_at", "nonce"}`` → 200 ``{"status": "posted", "biller_txn_id", "duplicate": bool}``; 409
  ``{"error": "already_paid"}`` (the bill was paid under another reference); 422 ``{"error":
  "amount_mismatch" | "unknown_account" | "unknown_bill" | "rejected"}``.
``POST /api/v1/postings/query`` ``{"reference", "nonce"}`` → ``{"status": "posted", "biller_txn_id",
  ...}`` or ``{"status": "not_found"}``.
``GET /api/v1/postings/report?date=YYYY-MM-DD&nonce=...`` → ``{"date", "postings": [{"reference",
  "biller", "account", "bill_id", "amount_poisha", "biller_txn_id", "posted_at"}]}`` (every posting
  recorded that day, Bangladesh time; a duplicate posting appears twice).
"""

from __future__ import annotations

import hashlib
import hmac

FETCH_PATH = "/api/v1/bills/fetch"
POST_PATH = "/api/v1/postings"
QUERY_PATH = "/api/v1/postings/query"
REPORT_PATH = "/api/v1/postings/report"
MAX_SKEW_SECONDS = 300
POST_ERRORS = ("already_paid", "amount_mismatch", "unknown_account", "unknown_bill", "rejected")


def string_to_sign(method: str, path: str, timestamp: str, body: bytes) -> bytes:
    return f"{method.upper()}|{path}|{timestamp}|{hashlib.sha256(body).hexdigest()}".encode()


def sign(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), string_to_sign(method, path, timestamp, body), hashlib.sha256).hexdigest()


def signature_valid(secret: str, method: str, path: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, method, path, timestamp, body), signature or "")
