"""The biller adapter: fetch a bill, post a payment, query a posting, read the day's postings.

One interface (``BillerGateway``) and its real implementation over HTTP (``HttpBillerGateway``,
HMAC-signed, see sheba/billpay/protocol.py). In the demo and the tests it talks to the biller
simulator (``python -m sheba.billpay.simulator``); in production to the aggregator's API.

Settings (each also read from the environment of the same name): ``SHEBA_BILLER_URL`` (outside
production defaults to the simulator on http://127.0.0.1:8092), ``SHEBA_BILLER_CLIENT_ID``,
``SHEBA_BILLER_SECRET`` (required in production), ``SHEBA_BILLER_TIMEOUT_SECONDS`` (at most 10).

Errors: ``BillerUnavailable`` (no answer: down, timeout, 5xx, unreadable answer; a posting in
this state may or may not have been recorded, so it is queried before it is sent again),
``BillerRejected`` (the biller refused a posting for good: ``.reason`` is one of
``protocol.POST_ERRORS``), ``BillerMisconfigured`` (our credentials or clock: 401, 400).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sheba.billpay import protocol
from sheba.core import clock

logger = logging.getLogger(__name__)

MAX_TIMEOUT_SECONDS = 10.0
DEV_URL = "http://127.0.0.1:8092"
DEV_CLIENT_ID = "sheba-demo"
DEV_SECRET = "demo-only-biller-secret-not-for-production"  # noqa: S105 - matches the simulator's demo default


class BillerError(Exception):
    pass


class BillerUnavailable(BillerError):
    """No usable answer (down, slow, 5xx, garbled). For a posting: outcome unknown."""


class BillerRejected(BillerError):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class BillerMisconfigured(BillerError):
    """The biller refused our request itself (credentials, clock, protocol): an operator must look."""


@dataclass(frozen=True)
class Bill:
    bill_id: str
    month: str
    amount_poisha: int
    late_fee_poisha: int
    due_date: date
    payable_poisha: int
    paid: bool

    @property
    def is_late(self) -> bool:
        return self.payable_poisha > self.amount_poisha


@dataclass(frozen=True)
class AccountLookup:
    found: bool
    holder_bn: str = ""
    holder_en: str = ""
    bill: Bill | None = None


@dataclass(frozen=True)
class PostingResult:
    biller_txn_id: str
    duplicate: bool = False


@dataclass(frozen=True)
class PostingRecord:
    reference: str
    biller: str
    account: str
    bill_id: str
    amount_poisha: int
    biller_txn_id: str
    posted_at: str


@runtime_checkable
class BillerGateway(Protocol):
    def fetch(self, *, biller: str, account: str, unit: str = "") -> AccountLookup: ...

    def post(self, *, biller: str, account: str, unit: str, bill_id: str, amount_poisha: int, reference: str,
             paid_at: datetime) -> PostingResult: ...

    def query(self, *, reference: str) -> PostingRecord | None: ...

    def report(self, *, day: date) -> list[PostingRecord]: ...


def _record(data: dict[str, Any]) -> PostingRecord:
    return PostingRecord(
        reference=str(data["reference"]), biller=str(data["biller"]), account=str(data["account"]),
        bill_id=str(data["bill_id"]), amount_poisha=int(data["amount_poisha"]),
        biller_txn_id=str(data["biller_txn_id"]), posted_at=str(data.get("posted_at", "")),
    )


class HttpBillerGateway:
    def __init__(self, *, url: str, client_id: str, secret: str, timeout: float = MAX_TIMEOUT_SECONDS,
                 session: requests.Session | None = None) -> None:
        if not url or not client_id or not secret:
            raise ImproperlyConfigured("SHEBA_BILLER_URL, SHEBA_BILLER_CLIENT_ID and SHEBA_BILLER_SECRET must be set.")
        self.url = url.rstrip("/")
        self.client_id = client_id
        self.secret = secret
        self.timeout = min(float(timeout), MAX_TIMEOUT_SECONDS)
        self.session = session or requests.Session()

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None,
              params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        body = b""
        if payload is not None:
            body = json.dumps({**payload, "nonce": secrets.token_hex(8)}, ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8")
        if params is not None:
            path = path + "?" + urlencode({**params, "nonce": secrets.token_hex(8)})
        timestamp = str(int(clock.now().timestamp()))
        headers = {
            "Accept": "application/json",
            "X-Client-Id": self.client_id,
            "X-Timestamp": timestamp,
            "X-Signature": protocol.sign(self.secret, method, path, timestamp, body),
        }
        if body:
            headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            response = self.session.request(method, self.url + path, data=body or None, headers=headers,
                                            timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:  # timeouts, refused connections, resets
            logger.warning("biller unreachable (%s %s): %s", method, path.split("?")[0], type(exc).__name__)
            raise BillerUnavailable(type(exc).__name__) from exc
        if response.status_code >= 500:
            logger.warning("biller answered %s to %s", response.status_code, path.split("?")[0])
            raise BillerUnavailable(f"HTTP {response.status_code}")
        try:
            data = response.json()
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            logger.error("biller sent an answer we cannot read (HTTP %s)", response.status_code)
            raise BillerUnavailable("unreadable answer") from exc
        if response.status_code in (400, 401, 403, 404, 405):
            logger.error("biller refused our request: %s %s", response.status_code, data.get("error"))
            raise BillerMisconfigured(f"HTTP {response.status_code} {data.get('error', '')}"[:100])
        return response.status_code, data

    def fetch(self, *, biller: str, account: str, unit: str = "") -> AccountLookup:
        _, data = self._call("POST", protocol.FETCH_PATH, {"biller": biller, "account": account, "unit": unit})
        try:
            if data.get("status") == "not_found":
                return AccountLookup(found=False)
            if data.get("status") != "ok":
                raise ValueError(data.get("status"))
            raw = data.get("bill")
            bill = None
            if raw is not None:
                bill = Bill(
                    bill_id=str(raw["bill_id"]), month=str(raw["month"]), amount_poisha=int(raw["amount_poisha"]),
                    late_fee_poisha=int(raw["late_fee_poisha"]), due_date=date.fromisoformat(raw["due_date"]),
                    payable_poisha=int(raw["payable_poisha"]), paid=bool(raw["paid"]),
                )
            return AccountLookup(found=True, holder_bn=str(data.get("holder_bn", "")),
                                 holder_en=str(data.get("holder_en", "")), bill=bill)
        except (KeyError, TypeError, ValueError) as exc:
            logger.error("biller sent a bill we cannot read")
            raise BillerUnavailable("unreadable bill") from exc

    def post(self, *, biller: str, account: str, unit: str, bill_id: str, amount_poisha: int, reference: str,
             paid_at: datetime) -> PostingResult:
        status, data = self._call("POST", protocol.POST_PATH, {
            "biller": biller, "account": account, "unit": unit, "bill_id": bill_id,
            "amount_poisha": amount_poisha, "reference": reference, "paid_at": paid_at.isoformat(),
        })
        if status in (409, 422):
            reason = str(data.get("error", "rejected"))
            raise BillerRejected(reason if reason in protocol.POST_ERRORS else "rejected")
        if status != 200 or data.get("status") != "posted" or not data.get("biller_txn_id"):
            raise BillerUnavailable(f"unexpected posting answer HTTP {status}")
        return PostingResult(biller_txn_id=str(data["biller_txn_id"])[:60], duplicate=bool(data.get("duplicate")))

    def query(self, *, reference: str) -> PostingRecord | None:
        _, data = self._call("POST", protocol.QUERY_PATH, {"reference": reference})
        if data.get("status") == "not_found":
            return None
        try:
            if data.get("status") != "posted":
                raise ValueError(data.get("status"))
            return _record(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise BillerUnavailable("unreadable query answer") from exc

    def report(self, *, day: date) -> list[PostingRecord]:
        _, data = self._call("GET", protocol.REPORT_PATH, params={"date": day.isoformat()})
        try:
            return [_record(row) for row in data["postings"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise BillerUnavailable("unreadable report") from exc


def _setting(name: str, dev_default: Any = "") -> Any:
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name, "")
    if value in (None, "") and not getattr(settings, "PRODUCTION", False):
        value = dev_default
    return value


def get_gateway() -> BillerGateway:
    """The configured biller gateway (HTTP: the aggregator's API, or the simulator outside production)."""
    return HttpBillerGateway(
        url=_setting("SHEBA_BILLER_URL", DEV_URL),
        client_id=_setting("SHEBA_BILLER_CLIENT_ID", DEV_CLIENT_ID),
        secret=_setting("SHEBA_BILLER_SECRET", DEV_SECRET),
        timeout=float(_setting("SHEBA_BILLER_TIMEOUT_SECONDS", MAX_TIMEOUT_SECONDS) or MAX_TIMEOUT_SECONDS),
    )
