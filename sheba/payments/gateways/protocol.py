"""The SSLCommerz wire protocol, shared by the HTTP adapter and the sandbox gateway (stdlib only).

Paths and field names are SSLCommerz's: a session is created by POSTing ``store_id``,
``store_passwd``, ``total_amount``, ``currency``, ``tran_id`` and the ``success_url`` /
``fail_url`` / ``cancel_url`` / ``ipn_url`` to ``/gwprocess/v4/api.php`` (answer: ``status``,
``sessionkey``, ``GatewayPageURL``); the IPN carries ``verify_sign`` (MD5 over the fields named
in ``verify_key`` plus ``store_passwd=md5(store_passwd)``, sorted by key) and
``verify_sign_sha2`` (the same with SHA-256); the Order Validation API takes ``val_id``; the
transaction query takes ``tran_id``; the refund API takes ``bank_tran_id``, ``refund_amount``,
``refund_remarks`` and ``refe_id``. Amounts travel as taka strings with two decimals ("150.00").
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

SESSION_PATH = "/gwprocess/v4/api.php"
VALIDATION_PATH = "/validator/api/validationserverAPI.php"
QUERY_PATH = "/validator/api/merchantTransIDvalidationAPI.php"  # also the refund API
SETTLEMENT_PATH = "/settlement/report.csv"  # the sandbox's daily settlement report

VALID_STATUSES = ("VALID", "VALIDATED")
AMOUNT_TEXT = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,4})?")
IPN_SIGNED_FIELDS = (
    "amount", "bank_tran_id", "card_type", "currency", "currency_amount", "currency_type", "risk_level",
    "status", "store_amount", "tran_date", "tran_id", "val_id",
)


def taka_text(poisha: int) -> str:
    """12345 poisha -> "123.45" (the gateway's format)."""
    if not isinstance(poisha, int) or isinstance(poisha, bool):
        raise TypeError("poisha must be an int")
    sign = "-" if poisha < 0 else ""
    taka, rest = divmod(abs(poisha), 100)
    return f"{sign}{taka}.{rest:02d}"


def poisha_from_text(text: object) -> int | None:
    """"123.45" -> 12345; None when it is not an exact amount in taka with at most 2 decimals."""
    raw = str(text).strip()
    if not AMOUNT_TEXT.fullmatch(raw):  # plain decimal taka only: no exponents, NaN or 20-digit sums
        return None
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        return None
    poisha = value * 100
    if poisha != poisha.to_integral_value():
        return None
    return int(poisha)


def _hash_string(fields: Mapping[str, str], keys: list[str], store_passwd: str) -> str:
    data = {key: str(fields[key]) for key in keys if key in fields}
    data["store_passwd"] = hashlib.md5(store_passwd.encode(), usedforsecurity=False).hexdigest()
    return "&".join(f"{key}={data[key]}" for key in sorted(data))


def sign(fields: Mapping[str, str], store_passwd: str, keys: list[str] | None = None) -> dict[str, str]:
    """``verify_key``, ``verify_sign`` (MD5, as SSLCommerz) and ``verify_sign_sha2`` for ``fields``."""
    names = list(keys or [k for k in IPN_SIGNED_FIELDS if k in fields])
    text = _hash_string(fields, names, store_passwd).encode()
    return {
        "verify_key": ",".join(names),
        "verify_sign": hashlib.md5(text, usedforsecurity=False).hexdigest(),
        "verify_sign_sha2": hashlib.sha256(text).hexdigest(),
    }


def signature_valid(fields: Mapping[str, str], store_passwd: str) -> bool:
    """True when the IPN's signature is right AND it covers the fields that matter.

    The SHA-256 signature is required when present; the MD5 one is checked too. A ``verify_key``
    that leaves out ``tran_id``, ``val_id``, ``amount`` or ``status`` is refused: otherwise an
    attacker could re-sign nothing and change those."""
    verify_key = str(fields.get("verify_key", ""))
    sent_md5 = str(fields.get("verify_sign", ""))
    sent_sha = str(fields.get("verify_sign_sha2", ""))
    if not verify_key or not (sent_md5 or sent_sha):
        return False
    keys = [key for key in verify_key.split(",") if key]
    if not {"tran_id", "val_id", "amount", "status"} <= set(keys):
        return False
    if any(key not in fields for key in keys):
        return False
    expected = sign(fields, store_passwd, keys)
    if sent_sha and not hmac.compare_digest(sent_sha, expected["verify_sign_sha2"]):
        return False
    return not sent_md5 or hmac.compare_digest(sent_md5, expected["verify_sign"])
