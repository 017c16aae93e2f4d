"""Daily reconciliation: the platform's payments ↔ the gateway's settlement report ↔ the ledger
(and, when the bill-payment app is installed, its biller postings).

``manage.py reconcile --date YYYY-MM-DD`` prints every difference and exits 1 when there is any.
Kinds found here:

* ``ledger_unbalanced`` — a ledger transaction whose entries do not sum to zero;
* ``ledger_missing`` — a captured payment without its ledger posting (or with another amount);
* ``missing_at_gateway`` — we recorded a capture the gateway's report does not have;
* ``missing_on_platform`` — the gateway settled a transaction we do not have as captured;
* ``amount_mismatch`` — both have it, with different amounts;
* ``refund_mismatch`` — the gateway's refunded amount differs from our completed refunds;
* ``held`` — a capture held for review (amount/currency/risk) and not yet settled by staff;
* ``gateway_report_unavailable`` — the settlement report could not be fetched.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from sheba.payments.gateways.base import GatewayError
from sheba.payments.models import (
    Channel,
    LedgerEntry,
    LedgerTransaction,
    PaymentIntent,
    Refund,
    RefundStatus,
    Status,
)

CAPTURED = (Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED)


@dataclass(frozen=True)
class Difference:
    kind: str
    reference: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}\t{self.reference}\t{self.detail}"


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def ledger_differences(day: date) -> list[Difference]:
    start, end = _day_bounds(day)
    found: list[Difference] = []
    rows = (
        LedgerTransaction.objects.filter(at__gte=start, at__lt=end)
        .annotate(total=Sum("entries__amount_poisha"))
        .filter(Q(total__isnull=True) | ~Q(total=0))
    )
    for txn in rows:
        found.append(Difference("ledger_unbalanced", f"ledger:{txn.pk}", f"{txn.kind} sums to {txn.total or 0}"))
    captured = PaymentIntent.objects.filter(paid_at__gte=start, paid_at__lt=end, status__in=CAPTURED)
    for intent in captured:
        kind = "duplicate_capture" if intent.duplicate_of_id else "payment"
        posted = LedgerEntry.objects.filter(transaction__intent=intent, transaction__kind=kind,
                                            amount_poisha__gt=0).aggregate(total=Sum("amount_poisha"))["total"]
        if posted != intent.amount_poisha:
            found.append(Difference("ledger_missing", intent.tran_id,
                                    f"captured {intent.amount_poisha} poisha, posted {posted or 0}"))
    return found


def gateway_differences(day: date) -> list[Difference]:
    from sheba.payments.services import gateway

    start, end = _day_bounds(day)
    try:
        report = gateway().settlement_report(day)
    except GatewayError as exc:
        return [Difference("gateway_report_unavailable", day.isoformat(), str(exc)[:200])]
    ours = {
        intent.tran_id: intent
        for intent in PaymentIntent.objects.filter(channel=Channel.GATEWAY, paid_at__gte=start, paid_at__lt=end,
                                                   status__in=(*CAPTURED, Status.HELD))
    }
    found: list[Difference] = []
    theirs = {row.tran_id: row for row in report}
    for tran_id, row in theirs.items():
        intent = ours.get(tran_id)
        if intent is None:
            other = PaymentIntent.objects.filter(tran_id=tran_id).first()
            state = other.status if other else "unknown to us"
            found.append(Difference("missing_on_platform", tran_id,
                                    f"gateway settled {row.amount_poisha} poisha; platform: {state}"))
            continue
        if intent.status == Status.HELD:
            found.append(Difference("held", tran_id, f"held for review: {intent.hold_reason}"))
            continue
        if row.amount_poisha != intent.amount_poisha:
            found.append(Difference("amount_mismatch", tran_id,
                                    f"gateway {row.amount_poisha} poisha, platform {intent.amount_poisha}"))
        refunded = Refund.objects.filter(intent=intent, status=RefundStatus.SUCCEEDED).aggregate(
            total=Sum("amount_poisha"))["total"] or 0
        if row.refunded_poisha != refunded:
            found.append(Difference("refund_mismatch", tran_id,
                                    f"gateway refunded {row.refunded_poisha} poisha, platform {refunded}"))
    for tran_id, intent in ours.items():
        if tran_id not in theirs:
            found.append(Difference("missing_at_gateway", tran_id,
                                    f"platform captured {intent.amount_poisha} poisha ({intent.status})"))
    return found


def differences(day: date) -> list[Difference]:
    """Every difference for ``day`` (a date in Bangladesh time)."""
    return ledger_differences(day) + gateway_differences(day) + billpay_differences(day)


def billpay_differences(day: date) -> list[Difference]:
    """The bill-payment app's own differences (biller postings), when that app is installed."""
    if not (importlib.util.find_spec("sheba.billpay") and importlib.util.find_spec("sheba.billpay.reconcile")):
        return []
    billpay = importlib.import_module("sheba.billpay.reconcile")
    return list(billpay.differences(day))
