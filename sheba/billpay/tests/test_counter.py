"""Cash at the counter: the front-desk operator takes a citizen's bill payment against their float,
prints a receipt, the citizen gets an SMS; everyone else is refused."""

from __future__ import annotations

import pytest

from sheba.billpay.adapters import get_gateway
from sheba.billpay.models import BillPayment, BillPaymentStatus
from sheba.billpay.tests.helpers import DESCO, client_for, make_citizen, make_operator
from sheba.notifications.models import Message
from sheba.payments.models import PaymentIntent

pytestmark = pytest.mark.django_db(transaction=True)


def find(client, biller="DESCO", account=DESCO, mobile="01711000222", **extra):
    return client.post("/bills/counter/", {"biller": biller, "step": "fetch", "account_number": account,
                                           "citizen_mobile": mobile, **extra})


def confirm(client, *, amount="1250.00", biller="DESCO", account=DESCO, mobile="01711000222", bill_id=None):
    bill = get_gateway().fetch(biller=biller, account=account).bill
    return client.post("/bills/counter/", {
        "biller": biller, "step": "confirm", "account_number": account, "citizen_mobile": mobile,
        "bill_id": bill_id or (bill.bill_id if bill else ""), "amount": amount})


def test_cash_payment_receipt_and_sms(billers, biller_sim):
    operator = make_operator(float_poisha=500_000)
    citizen = make_citizen("+8801711000222")
    client = client_for(operator)
    page = client.get("/bills/counter/").content.decode()
    assert "Tk 5,000" in page and "Sylhet City Corporation" not in page  # SCC water takes no cash
    shown = find(client).content.decode()
    assert "Rahima Khatun" in shown and "Cash received: Tk 1,250" in shown
    assert not PaymentIntent.objects.exists()

    done = confirm(client)
    payment = BillPayment.objects.get()
    assert done.status_code == 302 and done.url == f"/bills/counter/payments/{payment.public_id}/"
    assert payment.cash and payment.operator == operator and payment.payer == citizen
    assert payment.status == BillPaymentStatus.PAID and payment.payer_mobile == "+8801711000222"
    receipt = client.get(done.url).content.decode()
    assert "Receipt: bill paid in cash" in receipt and "Tk 1,250" in receipt
    pdf = client.get(f"/bills/counter/payments/{payment.public_id}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Message.objects.filter(recipient="+8801711000222", channel="sms").count() == 1
    assert "Tk 3,750" in client.get("/bills/counter/").content.decode()  # the float went down
    # The citizen sees it in their history too.
    assert str(payment.public_id) in client_for(citizen).get("/bills/payments/").content.decode()

    # The same bill again: refused, nothing taken.
    again = confirm(client)
    assert again.status_code == 400 and "already paid" in again.content.decode()
    assert PaymentIntent.objects.count() == 1


def test_beyond_the_float_is_refused_and_nothing_is_recorded(billers, biller_sim):
    operator = make_operator(float_poisha=100_000)
    response = confirm(client_for(operator))
    assert response.status_code == 400 and "float" in response.content.decode()
    assert not PaymentIntent.objects.exists()
    assert BillPayment.objects.get().status == BillPaymentStatus.PENDING  # an unpaid attempt, nothing to post


@pytest.mark.parametrize(("fields", "message"), [
    ({"account": "123"}, "This is not a valid Account number"),
    ({"account": "49999999"}, "has no account with this number"),
    ({"mobile": "12345"}, "mobile"),
    ({"amount": "1.00"}, "The bill or its amount has changed"),
    ({"bill_id": "DESCO-41012345-190001"}, "The bill or its amount has changed"),
])
def test_bad_input_at_the_counter(billers, biller_sim, fields, message):
    client = client_for(make_operator(float_poisha=500_000))
    response = confirm(client, **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert not PaymentIntent.objects.exists()


def test_biller_down_at_the_counter(billers, biller_sim):
    client = client_for(make_operator(float_poisha=500_000))
    biller_sim.fault("down")
    response = find(client)
    assert response.status_code == 400 and "is not answering right now" in response.content.decode()


def test_a_biller_without_cash_is_not_offered(billers, biller_sim):
    client = client_for(make_operator(float_poisha=500_000))
    response = client.post("/bills/counter/", {"biller": "SCC-WATER", "step": "confirm", "account_number": "801234",
                                               "citizen_mobile": "01711000222", "amount": "450"})
    assert "Choose a biller that takes cash at the counter." in response.content.decode()
    assert not PaymentIntent.objects.exists()


def test_who_may_not_use_the_counter(billers, biller_sim):
    from django.test import Client

    not_front_desk = make_operator(post_code="up_secretary", float_poisha=500_000)
    assert client_for(not_front_desk).get("/bills/counter/").status_code == 403
    assert confirm(client_for(not_front_desk)).status_code == 403
    assert client_for(make_citizen()).get("/bills/counter/").status_code == 302
    assert Client().get("/bills/counter/").status_code == 302
    assert not PaymentIntent.objects.exists()

    owner = make_operator(float_poisha=500_000)
    confirm(client_for(owner))
    payment = BillPayment.objects.get()
    other = client_for(make_operator(float_poisha=500_000))
    assert other.get(f"/bills/counter/payments/{payment.public_id}/").status_code == 404
    assert other.get(f"/bills/counter/payments/{payment.public_id}/receipt.pdf").status_code == 404
    assert client_for(make_citizen()).get(f"/bills/payments/{payment.public_id}/").status_code == 404
