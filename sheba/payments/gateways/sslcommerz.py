"""SSLCommerz over HTTP (and the sandbox gateway, which speaks the same protocol)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import requests
from django.conf import settings

from sheba.payments.gateways import protocol
from sheba.payments.gateways.base import (
    GatewayError,
    GatewayTimeout,
    RefundResult,
    Session,
    SettlementRow,
    Validation,
)

MAX_TIMEOUT_SECONDS = 10.0


def _int_or_none(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def validation_from(data: dict[str, Any]) -> Validation:
    """A Validation from the gateway's JSON (validation API answer or one query element)."""
    return Validation(
        status=str(data.get("status", "")).upper(),
        tran_id=str(data.get("tran_id", "")),
        val_id=str(data.get("val_id", "")),
        amount_poisha=protocol.poisha_from_text(data.get("amount", "")),
        # currency_type is what the payer was charged in; currency is the store's.
        currency=str(data.get("currency_type") or data.get("currency") or ""),
        risk_level=_int_or_none(data.get("risk_level")),
        bank_tran_id=str(data.get("bank_tran_id", "")),
        card_type=str(data.get("card_type", ""))[:60],
        raw={k: v for k, v in data.items() if k not in {"store_passwd"}},
    )


class SSLCommerzGateway:
    name = "sslcommerz"

    def __init__(self, *, base_url: str, store_id: str, store_passwd: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.store_id = store_id
        self.store_passwd = store_passwd
        self.timeout = min(float(timeout), MAX_TIMEOUT_SECONDS)

    @classmethod
    def from_settings(cls) -> SSLCommerzGateway:
        return cls(
            base_url=settings.SHEBA_PAYMENT_GATEWAY_URL,
            store_id=settings.SHEBA_PAYMENT_STORE_ID,
            store_passwd=settings.SHEBA_PAYMENT_STORE_PASSWD,
            timeout=settings.SHEBA_PAYMENT_TIMEOUT_SECONDS,
        )

    # -- plumbing --------------------------------------------------------------------------
    def _credentials(self) -> dict[str, str]:
        return {"store_id": self.store_id, "store_passwd": self.store_passwd}

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = requests.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.Timeout as exc:
            raise GatewayTimeout("timeout") from exc
        except requests.ConnectionError as exc:
            # Refused before sending is not "unknown", but a dropped answer is: treat both as
            # unknown, the caller resolves unknowns by querying.
            raise GatewayTimeout("connection") from exc
        if response.status_code >= 500:
            raise GatewayTimeout(f"HTTP {response.status_code}")
        return response

    def _json(self, response: requests.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayError("the gateway's answer is not JSON") from exc
        if not isinstance(data, dict):
            raise GatewayError("the gateway's answer is not an object")
        return data

    # -- the protocol ------------------------------------------------------------------------
    def create_session(self, *, tran_id: str, amount_poisha: int, currency: str, urls: dict[str, str],
                       customer: dict[str, str], product_name: str) -> Session:
        body = {
            **self._credentials(),
            "total_amount": protocol.taka_text(amount_poisha),
            "currency": currency,
            "tran_id": tran_id,
            "success_url": urls["success_url"],
            "fail_url": urls["fail_url"],
            "cancel_url": urls["cancel_url"],
            "ipn_url": urls["ipn_url"],
            "cus_name": customer.get("name", "") or "Sheba",
            "cus_email": customer.get("email", "") or "payer@sheba.example",
            "cus_phone": customer.get("phone", ""),
            "cus_add1": "Bangladesh",
            "cus_city": "Dhaka",
            "cus_country": "Bangladesh",
            "shipping_method": "NO",
            "product_name": product_name[:100],
            "product_category": "Government service",
            "product_profile": "non-physical-goods",
        }
        data = self._json(self._call("POST", protocol.SESSION_PATH, data=body))
        if str(data.get("status", "")).upper() != "SUCCESS" or not data.get("GatewayPageURL"):
            raise GatewayError(str(data.get("failedreason", "session refused"))[:200])
        return Session(gateway_url=str(data["GatewayPageURL"]), session_key=str(data.get("sessionkey", "")))

    def ipn_signature_valid(self, fields: dict[str, str]) -> bool:
        return protocol.signature_valid(fields, self.store_passwd)

    def validate(self, val_id: str) -> Validation:
        params = {**self._credentials(), "val_id": val_id, "format": "json", "v": "1"}
        data = self._json(self._call("GET", protocol.VALIDATION_PATH, params=params))
        return validation_from(data)

    def query(self, tran_id: str) -> list[Validation]:
        params = {**self._credentials(), "tran_id": tran_id, "format": "json"}
        data = self._json(self._call("GET", protocol.QUERY_PATH, params=params))
        if str(data.get("APIConnect", "")).upper() != "DONE":
            raise GatewayError(str(data.get("APIConnect", "query refused")))
        elements = data.get("element") or []
        if not isinstance(elements, list):
            raise GatewayError("element is not a list")
        return [validation_from(e) for e in elements if isinstance(e, dict)]

    def refund(self, *, bank_tran_id: str, amount_poisha: int, remarks: str, refe_id: str) -> RefundResult:
        params = {
            **self._credentials(),
            "bank_tran_id": bank_tran_id,
            "refund_amount": protocol.taka_text(amount_poisha),
            "refund_remarks": remarks[:200],
            "refe_id": refe_id,
            "format": "json",
        }
        data = self._json(self._call("GET", protocol.QUERY_PATH, params=params))
        if str(data.get("APIConnect", "")).upper() != "DONE":
            raise GatewayError(str(data.get("APIConnect", "refund refused")))
        status = str(data.get("status", "")).lower()
        if status in {"success", "processing"}:
            return RefundResult(ok=True, refund_ref_id=str(data.get("refund_ref_id", "")))
        return RefundResult(ok=False, detail=str(data.get("errorReason", status))[:300])

    def settlement_report(self, day: date) -> list[SettlementRow]:
        params = {**self._credentials(), "date": day.isoformat()}
        response = self._call("GET", protocol.SETTLEMENT_PATH, params=params)
        if response.status_code != 200:
            raise GatewayError(f"settlement report: HTTP {response.status_code}")
        rows = []
        for row in csv.DictReader(io.StringIO(response.text)):
            amount = protocol.poisha_from_text(row.get("amount", ""))
            refunded = protocol.poisha_from_text(row.get("refunded_amount", "0"))
            if amount is None or refunded is None:
                raise GatewayError("settlement report: bad amount")
            rows.append(SettlementRow(
                tran_id=row.get("tran_id", ""), val_id=row.get("val_id", ""),
                bank_tran_id=row.get("bank_tran_id", ""), amount_poisha=amount,
                currency=row.get("currency", ""), status=row.get("status", ""),
                refunded_poisha=refunded, tran_date=row.get("tran_date", ""),
            ))
        return rows


def gateway() -> SSLCommerzGateway:
    return SSLCommerzGateway.from_settings()
