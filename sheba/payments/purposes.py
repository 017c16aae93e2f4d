"""What a payment is for. Other apps register a purpose once (in their AppConfig.ready())::

    from sheba.payments.purposes import register_purpose
    register_purpose("bill", on_paid=post_to_biller, on_refunded=bill_refunded,
                     label_bn="বিল পরিশোধ", label_en="Bill payment", ledger_account="biller_payable")

``on_paid(intent)`` runs inside the same transaction that marks the intent PAID, exactly once
(the intent's row is locked and its state checked first). An exception in it rolls the payment
state back and the gateway's next callback or the resolver's next query tries again.
``on_refunded(intent, refund)`` runs in the transaction that records a successful refund.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import get_language

from sheba.payments.errors import UnknownPurpose

if TYPE_CHECKING:
    from sheba.payments.models import PaymentIntent, Refund

LEDGER_ACCOUNTS = ("office_fee_income", "biller_payable")


@dataclass(frozen=True)
class Purpose:
    name: str
    on_paid: Callable[[PaymentIntent], None]
    on_refunded: Callable[[PaymentIntent, Refund], None] | None
    label_bn: str
    label_en: str
    ledger_account: str  # the account the money is credited to when paid

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "bn").startswith("en") else self.label_bn


_purposes: dict[str, Purpose] = {}


def register_purpose(
    name: str,
    *,
    on_paid: Callable[[PaymentIntent], None],
    on_refunded: Callable[[PaymentIntent, Refund], None] | None = None,
    label_bn: str,
    label_en: str,
    ledger_account: str = "office_fee_income",
) -> Purpose:
    """Register (or re-register, e.g. after a reload) what payments for ``name`` do when paid."""
    if not name or len(name) > 40:
        raise ValueError("a purpose name has 1-40 characters")
    if ledger_account not in LEDGER_ACCOUNTS:
        raise ValueError(f"ledger_account must be one of {LEDGER_ACCOUNTS}")
    purpose = Purpose(name, on_paid, on_refunded, label_bn, label_en, ledger_account)
    _purposes[name] = purpose
    return purpose


def purpose_get(name: str) -> Purpose:
    try:
        return _purposes[name]
    except KeyError:
        raise UnknownPurpose() from None


def purposes() -> dict[str, Purpose]:
    return dict(_purposes)
