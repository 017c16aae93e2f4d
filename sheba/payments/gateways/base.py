"""The payment gateway interface. Implementations: ``sslcommerz.SSLCommerzGateway`` (the real
SSLCommerz API, and the sandbox gateway ``python -m sheba.payments.sandbox``, which speaks the
same protocol). Every call is server-to-server HTTP with a timeout of at most 10 seconds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


class GatewayError(Exception):
    """The gateway answered, but with an error (refused, malformed)."""


class GatewayTimeout(GatewayError):
    """No answer in time, or the connection dropped: the outcome is unknown."""


@dataclass(frozen=True)
class Session:
    gateway_url: str
    session_key: str


@dataclass(frozen=True)
class Validation:
    """What the gateway says about one payment attempt (the Order Validation API or a query)."""

    status: str  # VALID, VALIDATED, FAILED, CANCELLED, UNATTEMPTED, EXPIRED, INVALID_TRANSACTION, PENDING
    tran_id: str = ""
    val_id: str = ""
    amount_poisha: int | None = None
    currency: str = ""
    risk_level: int | None = None
    bank_tran_id: str = ""
    card_type: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return self.status in ("VALID", "VALIDATED")


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    refund_ref_id: str = ""
    detail: str = ""


@dataclass(frozen=True)
class SettlementRow:
    tran_id: str
    val_id: str
    bank_tran_id: str
    amount_poisha: int
    currency: str
    status: str  # VALID or REFUNDED
    refunded_poisha: int
    tran_date: str


class Gateway(Protocol):
    name: str

    def create_session(self, *, tran_id: str, amount_poisha: int, currency: str, urls: dict[str, str],
                       customer: dict[str, str], product_name: str) -> Session: ...

    def ipn_signature_valid(self, fields: dict[str, str]) -> bool: ...

    def validate(self, val_id: str) -> Validation: ...

    def query(self, tran_id: str) -> list[Validation]: ...

    def refund(self, *, bank_tran_id: str, amount_poisha: int, remarks: str, refe_id: str) -> RefundResult: ...

    def settlement_report(self, day: date) -> list[SettlementRow]: ...
