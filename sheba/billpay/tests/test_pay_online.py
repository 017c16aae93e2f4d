"""Paying a bill online end to end: the biller's amount (never the form's), the sandbox gateway,
the posting to the biller after PAID, the receipt, the history, and who must not see it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sheba.billpay.models import BillPayment, BillPaymentStatus
from sheba.billpay.services import bill_payment_post
from sheba.billpay.tests.helpers import DESCO, DESCO_LATE, client_for, make_citizen, save_account
from sheba.payments import services as payments
from sheba.payments.models import PaymentIntent

pytestmark = pytest.mark.django_db(transaction=True)


def start(client, saved, *, amount: str, bill_id: str | None = None):
    from sheba.billpay.adapters import get_gateway

    bill = get_gateway().fetch(biller=saved.biller.code, account=saved.account_number).bill
    return client.post(f"/bills/accounts/{saved.public_id}/pay/",
                       {"bill_id": bill_id if bill_id is not None else bill.bill_id, "amount": amount})


def pay_at_gateway(payment_sandbox, response, method: str = "bkash") -> BillPayment:
    assert response.status_code == 302 and response.url.startswith(payment_sandbox.url), response
    payment_sandbox.pay(response.url, method=method)
    payment = BillPayment.objects.latest("created_at")
    intent = PaymentIntent.objects.get(public_id=payment.intent_public_id)
    payments.payment_query(intent=intent)  # server-to-server: what the IPN or the return would do
    payment.refresh_from_db()
    return payment


def test_pay_a_desco_bill_with_bkash_post_it_and_get_the_receipt(billers, citizen, biller_sim, payment_sandbox):
    saved = save_account(citizen, billers["DESCO"], DESCO)
    client = client_for(citizen)
    payment = pay_at_gateway(payment_sandbox, start(client, saved, amount="1250.00"))
    assert payment.status == BillPaymentStatus.PAID and payment.amount_poisha == 125000
    assert payment.payer == citizen and not payment.cash

    assert bill_payment_post(payment_id=str(payment.public_id)) == BillPaymentStatus.POSTED
    payment.refresh_from_db()
    state = biller_sim.state()
    assert [p["reference"] for p in state["postings"]] == [payment.posting_reference]
    assert state["postings"][0]["biller_txn_id"] == payment.biller_txn_id
    assert bill_payment_post(payment_id=str(payment.public_id)) == BillPaymentStatus.POSTED  # twice: harmless
    assert len(biller_sim.state()["postings"]) == 1

    page = client.get(f"/bills/payments/{payment.public_id}/").content.decode()
    assert "Paid and received by the biller" in page and payment.biller_txn_id in page
    pdf = client.get(f"/bills/payments/{payment.public_id}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert str(payment.public_id) in client.get("/bills/payments/").content.decode()

    # The bill is paid: the page says so and a second payment is refused with nothing started.
    assert "This bill is already paid." in client.get(f"/bills/accounts/{saved.public_id}/").content.decode()
    again = start(client, saved, amount="1250.00")
    assert again.status_code == 302 and again.url == f"/bills/accounts/{saved.public_id}/"
    assert PaymentIntent.objects.count() == 1

    # Another citizen sees neither the payment nor its receipt.
    other = client_for(make_citizen())
    assert other.get(f"/bills/payments/{payment.public_id}/").status_code == 404
    assert other.get(f"/bills/payments/{payment.public_id}/receipt.pdf").status_code == 404
    assert str(payment.public_id) not in other.get("/bills/payments/").content.decode()


@pytest.mark.parametrize("amount", ["1.00", "1249.99", "12500", "-1250", "abc", "", "1250.001"])
def test_a_tampered_amount_is_refused_and_nothing_is_charged(billers, citizen, biller_sim, payment_sandbox, amount):
    saved = save_account(citizen, billers["DESCO"], DESCO)
    client = client_for(citizen)
    response = start(client, saved, amount=amount)
    assert response.status_code == 302 and response.url == f"/bills/accounts/{saved.public_id}/"
    assert not PaymentIntent.objects.exists()
    assert not BillPayment.objects.exists()
    page = client.get(response.url).content.decode()
    assert "The bill or its amount has changed" in page


def test_a_tampered_bill_id_is_refused(billers, citizen, biller_sim, payment_sandbox):
    saved = save_account(citizen, billers["DESCO"], DESCO)
    response = start(client_for(citizen), saved, amount="1250", bill_id="DESCO-41012345-190001")
    assert response.url == f"/bills/accounts/{saved.public_id}/" and not PaymentIntent.objects.exists()


def test_late_fee_after_the_due_date(billers, citizen, biller_sim, payment_sandbox):
    saved = save_account(citizen, billers["DESCO"], DESCO_LATE)
    client = client_for(citizen)
    page = client.get(f"/bills/accounts/{saved.public_id}/").content.decode()
    assert "added: the due date has passed" in page and "Tk 882.50" in page
    assert start(client, saved, amount="840.50").url == f"/bills/accounts/{saved.public_id}/"  # without the fee
    payment = pay_at_gateway(payment_sandbox, start(client, saved, amount="882.50"))
    assert (payment.amount_poisha, payment.late_fee_poisha) == (88250, 4200)
    assert bill_payment_post(payment_id=str(payment.public_id)) == BillPaymentStatus.POSTED


def test_the_late_fee_comes_in_while_the_page_is_open(billers, citizen, biller_sim, payment_sandbox):
    saved = save_account(citizen, billers["DESCO"], DESCO)
    client = client_for(citizen)
    assert "Pay Tk 1,250 online" in client.get(f"/bills/accounts/{saved.public_id}/").content.decode()
    biller_sim.fault(today=(date.today() + timedelta(days=40)).isoformat())
    response = start(client, saved, amount="1250.00")
    assert response.url == f"/bills/accounts/{saved.public_id}/" and not PaymentIntent.objects.exists()


def test_biller_down_or_slow_when_paying_charges_nothing(billers, citizen, biller_sim, payment_sandbox):
    saved = save_account(citizen, billers["DESCO"], DESCO)
    client = client_for(citizen)
    for fault in ("down", "slow"):
        biller_sim.fault(fault)
        response = client.post(f"/bills/accounts/{saved.public_id}/pay/", {"bill_id": "x", "amount": "1250"})
        assert response.status_code == 302 and response.url == f"/bills/accounts/{saved.public_id}/"
        shown = client.get(response.url)
        assert shown.status_code == 503
        assert shown.content.decode().count("is not answering right now. Nothing was charged.") == 2  # message + page
    assert not PaymentIntent.objects.exists()


def test_a_fee_with_an_amount_the_payer_enters(billers, citizen, biller_sim, payment_sandbox):
    saved = save_account(citizen, billers["EDU-DEMO"], "st123456")
    client = client_for(citizen)
    assert "Between Tk 100 and Tk 50,000." in client.get(f"/bills/accounts/{saved.public_id}/").content.decode()
    too_much = client.post(f"/bills/accounts/{saved.public_id}/pay/", {"amount": "৫০০০১"})
    assert too_much.url == f"/bills/accounts/{saved.public_id}/" and not PaymentIntent.objects.exists()
    payment = pay_at_gateway(payment_sandbox, client.post(f"/bills/accounts/{saved.public_id}/pay/",
                                                          {"amount": "২৫০০"}))
    assert payment.amount_poisha == 250000 and payment.status == BillPaymentStatus.PAID
    assert bill_payment_post(payment_id=str(payment.public_id)) == BillPaymentStatus.POSTED


def test_a_payment_not_completed_stays_pending_and_posts_nothing(billers, citizen, biller_sim, payment_sandbox):
    saved = save_account(citizen, billers["DESCO"], DESCO)
    client = client_for(citizen)
    response = start(client, saved, amount="1250")
    payment_sandbox.pay(response.url, method="bkash", outcome="fail")
    payment = BillPayment.objects.get()
    payments.payment_query(intent=PaymentIntent.objects.get(public_id=payment.intent_public_id))
    payment.refresh_from_db()
    assert payment.status == BillPaymentStatus.PENDING
    assert bill_payment_post(payment_id=str(payment.public_id)) == BillPaymentStatus.PENDING
    assert biller_sim.state()["postings"] == []
    # It can be paid again afterwards.
    assert pay_at_gateway(payment_sandbox, start(client, saved, amount="1250")).status == BillPaymentStatus.PAID
