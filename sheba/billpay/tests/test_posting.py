"""Posting paid bills to the biller: retries with backoff, never twice (query before re-posting),
refund when the biller will not take it, and the sweep that recovers lost queue entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from sheba.billpay import services
from sheba.billpay.adapters import get_gateway
from sheba.billpay.models import BillPayment, BillPaymentStatus
from sheba.billpay.tests.helpers import DESCO, make_citizen, make_operator
from sheba.core import clock
from sheba.payments.models import PaymentIntent, Refund, RefundStatus
from sheba.payments.models import Status as IntentStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid(billers, biller_sim):
    """A DESCO bill paid in cash at a counter (PAID, posting queued)."""
    operator = make_operator(float_poisha=1_000_000)
    citizen = make_citizen()
    bill = get_gateway().fetch(biller="DESCO", account=DESCO).bill
    payment = services.bill_payment_cash(operator=operator, biller=billers["DESCO"], unit="", account_number=DESCO,
                                         citizen_mobile=citizen.mobile, bill_id=bill.bill_id, amount="1250")
    assert payment.status == BillPaymentStatus.PAID
    return payment


def queued(payment: BillPayment, task: str = "post_bill_payment") -> int:
    return DBTaskResult.objects.filter(task_path__endswith=task, args_kwargs__args=[str(payment.public_id)]).count()


def post(payment: BillPayment) -> str:
    return services.bill_payment_post(payment_id=str(payment.public_id))


def test_paid_queues_the_posting_in_the_same_transaction(paid):
    assert queued(paid) == 1


def test_a_failing_posting_is_retried_with_backoff_then_posted(paid, biller_sim, settings):
    settings.SHEBA_BILLPAY_BACKOFF_SECONDS = 30
    biller_sim.fault("post_fail")
    assert post(paid) == BillPaymentStatus.PAID
    paid.refresh_from_db()
    assert paid.posting_attempts == 1 and "HTTP 500" in paid.last_error
    first_wait = paid.next_attempt_at - clock.now()
    assert timedelta(seconds=25) < first_wait <= timedelta(seconds=30)
    assert post(paid) == BillPaymentStatus.PAID  # not due yet: nothing happens
    assert BillPayment.objects.get(pk=paid.pk).posting_attempts == 1
    with time_machine.travel(paid.next_attempt_at + timedelta(seconds=1)):
        assert post(paid) == BillPaymentStatus.PAID
        paid.refresh_from_db()
        assert paid.posting_attempts == 2
        assert paid.next_attempt_at - clock.now() > timedelta(seconds=55)  # doubled
    biller_sim.fault()
    with time_machine.travel(paid.next_attempt_at + timedelta(seconds=1)):
        assert post(paid) == BillPaymentStatus.POSTED
    assert biller_sim.state()["requests"] == {paid.posting_reference: 3}
    assert len(biller_sim.state()["postings"]) == 1


def test_a_timeout_is_followed_by_a_query_not_a_second_posting(paid, biller_sim, settings):
    settings.SHEBA_BILLPAY_BACKOFF_SECONDS = 1
    biller_sim.fault("slow_post", "duplicate")  # the biller has it but answers too late, and would double it
    assert post(paid) == BillPaymentStatus.PAID
    biller_sim.fault("duplicate")
    with time_machine.travel(clock.now() + timedelta(seconds=5)):
        assert post(paid) == BillPaymentStatus.POSTED
    state = biller_sim.state()
    assert state["requests"] == {paid.posting_reference: 1} and len(state["postings"]) == 1
    paid.refresh_from_db()
    assert paid.biller_txn_id == state["postings"][0]["biller_txn_id"]


def test_a_stale_claim_of_a_dead_worker_is_taken_over(paid, biller_sim, settings):
    settings.SHEBA_BILLPAY_STALE_SECONDS = 60
    BillPayment.objects.filter(pk=paid.pk).update(status=BillPaymentStatus.POSTING, posting_attempts=1,
                                                  posting_started_at=clock.now())
    assert post(paid) == BillPaymentStatus.POSTING  # its worker may still be at it
    with time_machine.travel(clock.now() + timedelta(seconds=61)):
        assert services.bill_payments_sweep() >= 1
        assert post(paid) == BillPaymentStatus.POSTED
    assert biller_sim.state()["requests"] == {paid.posting_reference: 1}


def test_a_rejected_posting_is_refunded_to_the_operators_float(paid, biller_sim):
    from sheba.payments.services import operator_float

    intent = PaymentIntent.objects.get(public_id=paid.intent_public_id)
    before = operator_float(intent.operator)
    biller_sim.fault("post_reject")
    assert post(paid) == BillPaymentStatus.POST_FAILED
    assert queued(paid, "refund_unposted_bill_payment") == 1
    assert services.bill_payment_refund_unposted(payment_id=str(paid.public_id)) == BillPaymentStatus.REFUNDED
    intent.refresh_from_db()
    assert intent.status == IntentStatus.REFUNDED
    assert Refund.objects.get(intent=intent).status == RefundStatus.SUCCEEDED
    assert operator_float(intent.operator) == before + 125000
    # Run again: nothing more is refunded.
    assert services.bill_payment_refund_unposted(payment_id=str(paid.public_id)) == BillPaymentStatus.REFUNDED
    assert Refund.objects.filter(intent=intent).count() == 1
    assert biller_sim.state()["postings"] == []


def test_after_the_last_attempt_it_is_refunded_unless_the_biller_has_it(paid, biller_sim, settings):
    settings.SHEBA_BILLPAY_MAX_ATTEMPTS = 2
    settings.SHEBA_BILLPAY_BACKOFF_SECONDS = 1
    biller_sim.fault("post_fail")
    assert post(paid) == BillPaymentStatus.PAID
    with time_machine.travel(clock.now() + timedelta(seconds=5)):
        assert post(paid) == BillPaymentStatus.POST_FAILED
    biller_sim.fault("down")  # cannot check: nothing is refunded yet
    assert services.bill_payment_refund_unposted(payment_id=str(paid.public_id)) == BillPaymentStatus.POST_FAILED
    assert not Refund.objects.exists()
    biller_sim.fault()
    assert services.bill_payment_refund_unposted(payment_id=str(paid.public_id)) == BillPaymentStatus.REFUNDED
    assert Refund.objects.count() == 1


def test_a_posting_the_biller_has_after_all_is_not_refunded(paid, biller_sim, settings):
    settings.SHEBA_BILLPAY_MAX_ATTEMPTS = 1
    biller_sim.fault("slow_post")
    assert post(paid) == BillPaymentStatus.POST_FAILED
    biller_sim.fault()
    assert services.bill_payment_refund_unposted(payment_id=str(paid.public_id)) == BillPaymentStatus.POSTED
    assert not Refund.objects.exists()


def test_an_online_payment_the_biller_refuses_is_refunded_at_the_gateway(billers, biller_sim, payment_sandbox):
    from sheba.billpay.tests.helpers import client_for, save_account
    from sheba.billpay.tests.test_pay_online import pay_at_gateway, start

    citizen = make_citizen()
    saved = save_account(citizen, billers["DESCO"], DESCO)
    payment = pay_at_gateway(payment_sandbox, start(client_for(citizen), saved, amount="1250"))
    biller_sim.fault("post_reject")
    assert post(payment) == BillPaymentStatus.POST_FAILED
    assert services.bill_payment_refund_unposted(payment_id=str(payment.public_id)) == BillPaymentStatus.REFUNDED
    assert PaymentIntent.objects.get(public_id=payment.intent_public_id).status == IntentStatus.REFUNDED
