"""Reconciliation of bill payments: our postings ↔ the biller's postings report ↔ paid intents.
A clean day shows no difference; each seeded difference is found."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sheba.billpay import services
from sheba.billpay.adapters import get_gateway
from sheba.billpay.models import BillPayment
from sheba.billpay.reconcile import differences
from sheba.billpay.tests.helpers import DESCO, make_citizen, make_operator
from sheba.core import clock

pytestmark = pytest.mark.django_db(transaction=True)


def cash_paid(billers, biller="DESCO", account=DESCO, amount="1250") -> BillPayment:
    bill = get_gateway().fetch(biller=biller, account=account).bill
    return services.bill_payment_cash(operator=make_operator(float_poisha=1_000_000), biller=billers[biller], unit="",
                                      account_number=account, citizen_mobile=make_citizen().mobile,
                                      bill_id=bill.bill_id, amount=amount)


def kinds(day=None) -> list[tuple[str, str]]:
    return [(d.kind, d.reference) for d in differences(day or clock.today())]


def test_a_clean_day_shows_no_difference(billers, biller_sim, payment_sandbox):
    payment = cash_paid(billers)
    services.bill_payment_post(payment_id=str(payment.public_id))
    other = cash_paid(billers, "DPDC", "12345678", "2310.75")
    services.bill_payment_post(payment_id=str(other.public_id))
    assert kinds() == []
    from sheba.payments.reconcile import differences as all_differences

    assert [d for d in all_differences(clock.today()) if d.kind.startswith(("posting", "paid", "biller", "intent",
                                                                             "bill_"))] == []
    assert kinds(clock.today() - timedelta(days=1)) == []


def test_seeded_differences_are_each_found(billers, biller_sim):
    posted = cash_paid(billers)
    services.bill_payment_post(payment_id=str(posted.public_id))
    waiting = cash_paid(billers, "DPDC", "12345678", "2310.75")  # paid, never posted
    gateway = get_gateway()
    now = clock.now()
    # The biller records our posting a second time (its de-duplication broken) …
    biller_sim.fault("duplicate")
    gateway.post(biller="DESCO", account=DESCO, unit="", bill_id=posted.bill_id, amount_poisha=125000,
                 reference=posted.posting_reference, paid_at=now)
    # … and a posting nobody on our side made, for another amount.
    bill = gateway.fetch(biller="BPDB", account="101234567").bill
    gateway.post(biller="BPDB", account="101234567", unit="", bill_id=bill.bill_id, amount_poisha=56000,
                 reference="STRAY-1", paid_at=now)
    found = kinds()
    assert ("posting_duplicate", posted.posting_reference) in found
    assert ("posting_unknown_to_us", "STRAY-1") in found
    assert ("paid_not_posted", waiting.posting_reference) in found
    assert len(found) == 3

    # The biller loses everything: our recorded posting is missing there.
    biller_sim.reset()
    found = kinds()
    assert ("posting_missing_at_biller", posted.posting_reference) in found

    # An amount that differs between the bill payment and its intent.
    BillPayment.objects.filter(pk=waiting.pk).update(amount_poisha=1)
    assert ("amount_mismatch", str(waiting.intent_public_id)) in kinds()


def test_biller_report_unavailable_is_a_difference_not_a_crash(billers, biller_sim):
    biller_sim.fault("down")
    assert kinds() == [("biller_report_unavailable", "")]
