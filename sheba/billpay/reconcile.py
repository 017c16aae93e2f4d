"""Bill payments' part of ``manage.py reconcile --date D`` (sheba.payments.reconcile calls
``differences``): our postings ↔ the billers' daily postings report ↔ the paid payment intents.

Kinds of difference (``reference`` is our posting reference, or the bill key / intent id):

* ``biller_report_unavailable`` — the biller's report could not be read; nothing was compared.
* ``posting_missing_at_biller`` — we recorded a posting the biller's report does not have.
* ``posting_unknown_to_us`` — the biller reports a posting under a reference we never posted.
* ``posting_not_recorded`` — the biller has our posting but we did not record it as posted.
* ``posting_duplicate`` — the biller recorded one reference (or one bill) more than once.
* ``posting_amount_mismatch`` — the biller's amount differs from what we charged.
* ``paid_not_posted`` — paid that day and still waiting to be posted (or given up, refund due).
* ``intent_without_bill_payment`` / ``bill_payment_without_intent`` / ``amount_mismatch`` —
  the payments ledger and the bill payments disagree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from sheba.billpay import adapters
from sheba.billpay.models import MONEY_IN, BillPayment, BillPaymentStatus


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def differences(day: date, *, gateway: adapters.BillerGateway | None = None) -> list[Any]:
    from sheba.payments.models import PaymentIntent, Status
    from sheba.payments.reconcile import Difference

    found: list[Any] = []
    start, end = _day_range(day)

    # 1. Our postings ↔ the biller's report.
    ours = {p.posting_reference: p for p in BillPayment.objects.filter(
        status=BillPaymentStatus.POSTED, posted_at__gte=start, posted_at__lt=end)}
    try:
        report = (gateway or adapters.get_gateway()).report(day=day)
    except adapters.BillerError as exc:
        found.append(Difference("biller_report_unavailable", "", f"the billers' postings report: {exc}"))
        report = None
    if report is not None:
        theirs: dict[str, list[adapters.PostingRecord]] = defaultdict(list)
        by_bill: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in report:
            theirs[row.reference].append(row)
            by_bill[(row.biller, row.bill_id)].add(row.reference)
        others = {p.posting_reference: p for p in BillPayment.objects.filter(
            posting_reference__in=[ref for ref in theirs if ref not in ours])}
        for reference, rows in sorted(theirs.items()):
            if len(rows) > 1:
                found.append(Difference("posting_duplicate", reference,
                                        f"the biller recorded this posting {len(rows)} times"))
            payment = ours.get(reference) or others.get(reference)
            if payment is None:
                found.append(Difference("posting_unknown_to_us", reference,
                                        f"{rows[0].biller} bill {rows[0].bill_id}: {rows[0].amount_poisha} poisha"))
                continue
            if payment.status != BillPaymentStatus.POSTED:
                found.append(Difference("posting_not_recorded", reference,
                                        f"{payment.bill_key}: the biller has it, we have status {payment.status}"))
            if any(row.amount_poisha != payment.amount_poisha for row in rows):
                found.append(Difference("posting_amount_mismatch", reference,
                                        f"{payment.bill_key}: ours {payment.amount_poisha}, "
                                        f"biller {rows[0].amount_poisha} poisha"))
        for (biller, bill_id), references in sorted(by_bill.items()):
            if len(references) > 1:
                found.append(Difference("posting_duplicate", f"{biller}/{bill_id}",
                                        f"one bill posted under {len(references)} references"))
        for reference, payment in sorted(ours.items()):
            if reference not in theirs:
                found.append(Difference("posting_missing_at_biller", reference,
                                        f"{payment.bill_key}: posted {payment.biller_txn_id}, not in the report"))

    # 2. Paid bill payments ↔ paid intents (the ledger's side).
    paid = {p.intent_public_id: p for p in BillPayment.objects.filter(
        paid_at__gte=start, paid_at__lt=end, intent_public_id__isnull=False)}
    intents = {i.public_id: i for i in PaymentIntent.objects.filter(
        purpose="bill", paid_at__gte=start, paid_at__lt=end, duplicate_of__isnull=True,
        status__in=[Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED])}
    for public_id, intent in sorted(intents.items(), key=lambda item: str(item[0])):
        payment = paid.get(public_id)
        if payment is None or payment.status == BillPaymentStatus.PENDING:
            found.append(Difference("intent_without_bill_payment", str(public_id),
                                    f"{intent.reference}: paid {intent.amount_poisha} poisha"))
        elif int(payment.amount_poisha) != int(intent.amount_poisha):
            found.append(Difference("amount_mismatch", str(public_id),
                                    f"{intent.reference}: intent {intent.amount_poisha}, bill {payment.amount_poisha}"))
    for public_id, payment in sorted(paid.items(), key=lambda item: str(item[0])):
        if public_id not in intents and payment.status != BillPaymentStatus.PENDING:
            found.append(Difference("bill_payment_without_intent", str(public_id),
                                    f"{payment.bill_key}: {payment.status}, no paid intent that day"))
        if payment.status in MONEY_IN and payment.status != BillPaymentStatus.POSTED:
            found.append(Difference("paid_not_posted", payment.posting_reference,
                                    f"{payment.bill_key}: {payment.status} after {payment.posting_attempts} "
                                    f"attempt(s) {payment.last_error}".strip()))
    return found
