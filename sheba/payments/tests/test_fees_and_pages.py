"""The application fee on the application page, the approval guard, the refund on rejection, and
who must not see, pay or download someone else's payment."""

from __future__ import annotations

import secrets
import urllib.parse

import pytest
from django.test import Client

from sheba.applications.models import Status as ApplicationStatus
from sheba.catalog.models import ServiceFee
from sheba.payments import services
from sheba.payments.fees import PURPOSE
from sheba.payments.models import PaymentIntent, Refund, RefundStatus, Status
from sheba.payments.tests.helpers import citizen, operator, staff, start
from sheba.workflow.services import task_act
from sheba.workflow.tests.helpers import citizen_client, make_desk, officer_client, submitted

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with every compressed stream inflated (fonts sit in compressed object streams)."""
    import re
    import zlib

    out = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            out.append(zlib.decompressobj().decompress(pdf[match.end():match.end() + 200_000]))
        except zlib.error:
            continue
    return b"".join(out)


def online(desk, amount: int = 5_000) -> None:
    ServiceFee.objects.filter(service=desk.world.service, office=desk.world.office_a).update(
        amount_poisha=amount, online_collection_enabled=True)


def pay_fee(client: Client, sandbox, application, **extra) -> PaymentIntent:
    response = client.post(f"/payments/fee/{application.public_id}/",
                           {"idempotency_key": secrets.token_urlsafe(12), **extra})
    assert response.status_code == 302, response.content[:300]
    intent = PaymentIntent.objects.get(purpose=PURPOSE, reference=str(application.public_id), status=Status.PENDING)
    assert response["Location"] == f"/payments/{intent.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert f'href="{intent.gateway_url}"' in page  # the payer follows the link to the hosted page
    location = sandbox.pay(intent.gateway_url, method="bkash")
    parts = urllib.parse.urlsplit(location)
    assert client.get(f"{parts.path}?{parts.query}").status_code == 200
    return PaymentIntent.objects.get(purpose=PURPOSE, reference=str(application.public_id), status=Status.PAID)


def test_the_fee_is_shown_and_paid_from_the_application_page(payment_sandbox):
    desk = make_desk()
    online(desk)
    application = submitted(desk)
    client = citizen_client(desk.citizen)
    page = client.get(f"/applications/{application.public_id}/").content.decode()
    assert "Pay the fee" in page and "Tk 50" in page
    # A tampered amount in the POST changes nothing: the fee comes from the catalogue.
    intent = pay_fee(client, payment_sandbox, application, amount_poisha="100", amount="1.00")
    assert intent.amount_poisha == 5_000 and intent.payer == desk.citizen and intent.office == desk.world.office_a
    page = client.get(f"/applications/{application.public_id}/").content.decode()
    assert "is paid" in page and "Pay the fee" not in page
    assert f"/payments/{intent.public_id}/receipt.pdf" in page
    pdf = client.get(f"/payments/{intent.public_id}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment;")
    # Paying again is refused with a clear message, and no second payment is made.
    again = client.post(f"/payments/fee/{application.public_id}/", {"idempotency_key": "another-key-123"},
                        follow=True)
    assert "already been paid" in again.content.decode()
    assert PaymentIntent.objects.filter(reference=str(application.public_id)).count() == 1


def test_bengali_page_and_receipt(payment_sandbox):
    desk = make_desk()
    online(desk)
    application = submitted(desk)
    client = citizen_client(desk.citizen)
    client.cookies["sheba_language"] = "bn"
    page = client.get(f"/applications/{application.public_id}/").content.decode()
    assert "ফি পরিশোধ করুন" in page and "৳ ৫০" in page
    intent = pay_fee(client, payment_sandbox, application)
    pdf = client.get(f"/payments/{intent.public_id}/receipt.pdf").content
    assert pdf.startswith(b"%PDF")
    assert b"NotoSansBengali" in pdf_objects(pdf).replace(b"-", b"")  # the Bengali font is embedded


def test_no_pay_button_where_the_office_does_not_collect_online(payment_sandbox):
    desk = make_desk()
    application = submitted(desk)
    client = citizen_client(desk.citizen)
    page = client.get(f"/applications/{application.public_id}/").content.decode()
    assert "Pay the fee" not in page and "paid at the office" in page
    response = client.post(f"/payments/fee/{application.public_id}/", {"idempotency_key": "k" * 16}, follow=True)
    assert "can no longer be paid" in response.content.decode()
    assert PaymentIntent.objects.count() == 0


def _decide(desk, application, kind: str) -> None:
    """The secretary forwards the file (if not yet), then the chairman takes ``kind``."""
    from sheba.workflow.models import Task

    task = Task.objects.get(application=application, completed_at__isnull=True)
    if task.step.code == "check":
        task = task_act(actor=desk.secretary, task=task, action=task.step.actions.get(kind="forward"), note="ok")
    task_act(actor=desk.chairman, task=task, action=task.step.actions.get(kind=kind), note="decided")


def test_approval_waits_for_a_required_fee(payment_sandbox):
    from sheba.payments.errors import FeeUnpaid

    desk = make_desk()
    online(desk)
    application = submitted(desk)
    with pytest.raises(FeeUnpaid) as caught:
        _decide(desk, application, "approve")
    assert "has not been paid" in str(caught.value.message)
    application.refresh_from_db()
    assert application.status != ApplicationStatus.APPROVED
    pay_fee(citizen_client(desk.citizen), payment_sandbox, application)
    _decide(desk, application, "approve")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_approval_is_not_blocked_where_fees_are_not_collected_online(payment_sandbox):
    desk = make_desk()
    application = submitted(desk)
    _decide(desk, application, "approve")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_a_rejected_file_gets_its_fee_back(payment_sandbox):
    desk = make_desk()
    online(desk)
    application = submitted(desk)
    intent = pay_fee(citizen_client(desk.citizen), payment_sandbox, application)
    _decide(desk, application, "reject")
    refund = Refund.objects.get(intent=intent)
    assert refund.automatic and refund.amount_poisha == 5_000 and refund.status == RefundStatus.REQUESTED
    services.payments_resolve_stale()  # the worker sends it
    refund.refresh_from_db()
    intent.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and intent.status == Status.REFUNDED


def test_nobody_else_sees_pays_or_downloads_a_payment(payment_sandbox, recorder):
    desk = make_desk()
    online(desk)
    application = submitted(desk)
    intent = pay_fee(citizen_client(desk.citizen), payment_sandbox, application)
    other = citizen()
    unpaid = start(desk.citizen)
    stranger, officer, anonymous = citizen_client(other), officer_client(desk.secretary), Client()
    paths = [f"/payments/{intent.public_id}/", f"/payments/{intent.public_id}/receipt.pdf",
             f"/payments/{unpaid.public_id}/"]
    for path in paths:
        assert stranger.get(path).status_code == 404, path
        assert anonymous.get(path).status_code == 302, path
        assert officer.get(path).status_code in (302, 404), path
    assert stranger.post(f"/payments/{unpaid.public_id}/pay/").status_code == 404
    assert stranger.post(f"/payments/fee/{application.public_id}/", {"idempotency_key": "x" * 16}).status_code == 404
    assert anonymous.post(f"/payments/{unpaid.public_id}/pay/").status_code in (302, 403)
    unpaid.refresh_from_db()
    assert unpaid.status == Status.CREATED
    assert str(intent.public_id) not in stranger.get("/payments/").content.decode()
    mine = citizen_client(desk.citizen).get("/payments/").content.decode()
    assert str(intent.public_id) in mine
    # Receipt of an unpaid payment: not found, even for its payer.
    assert citizen_client(desk.citizen).get(f"/payments/{unpaid.public_id}/receipt.pdf").status_code == 404
    assert citizen_client(desk.citizen).get("/payments/not-a-uuid/").status_code == 404


def test_the_payer_pays_from_the_payment_page(payment_sandbox, recorder):
    payer = citizen()
    intent = start(payer)
    client = citizen_client(payer)
    page = client.get(f"/payments/{intent.public_id}/").content.decode()
    assert "Pay now" in page
    response = client.post(f"/payments/{intent.public_id}/pay/")
    assert response.status_code == 302 and response["Location"] == f"/payments/{intent.public_id}/"
    intent.refresh_from_db()
    assert intent.status == Status.PENDING and intent.gateway_url.startswith(payment_sandbox.url)
    page = client.get(response["Location"]).content.decode()
    assert "Go to the payment gateway" in page and "Pay now" not in page
    payment_sandbox.fault(drop=["session"])
    other = start(payer)
    response = client.post(f"/payments/{other.public_id}/pay/", follow=True)
    assert "did not answer" in response.content.decode()


def test_cash_at_the_counter_uses_the_operator_float(recorder):
    finance, counter = staff(), operator()
    from sheba.payments.errors import AlreadyPaid, IdempotencyConflict, InsufficientFloat

    with pytest.raises(InsufficientFloat):
        services.cash_payment_record(operator=counter, purpose="test_item", reference="C-1", amount_poisha=5_000,
                                     payer_mobile="01711000009", description="Test item", idempotency_key="cash-0001")
    with pytest.raises(Exception):  # noqa: B017,PT011 - only staff top floats up
        services.operator_float_topup(actor=counter, operator=counter, amount_poisha=10_000)
    assert services.operator_float_topup(actor=finance, operator=counter, amount_poisha=10_000) == 10_000
    intent = services.cash_payment_record(operator=counter, purpose="test_item", reference="C-1", amount_poisha=5_000,
                                          payer_mobile="01711000009", description="Test item",
                                          idempotency_key="cash-0001")
    assert intent.status == Status.PAID and intent.channel == "cash" and intent.operator == counter
    assert services.operator_float(counter) == 5_000
    assert recorder.paid == ["C-1"]
    same = services.cash_payment_record(operator=counter, purpose="test_item", reference="C-1", amount_poisha=5_000,
                                        payer_mobile="01711000009", description="Test item",
                                        idempotency_key="cash-0001")
    assert same.pk == intent.pk and services.operator_float(counter) == 5_000
    with pytest.raises(IdempotencyConflict):
        services.cash_payment_record(operator=counter, purpose="test_item", reference="C-1", amount_poisha=4_000,
                                     payer_mobile="01711000009", description="Test item", idempotency_key="cash-0001")
    with pytest.raises(AlreadyPaid):
        services.cash_payment_record(operator=counter, purpose="test_item", reference="C-1", amount_poisha=5_000,
                                     payer_mobile="01711000009", description="Test item", idempotency_key="cash-0002")
    with pytest.raises(InsufficientFloat):
        services.cash_payment_record(operator=counter, purpose="test_item", reference="C-2", amount_poisha=5_001,
                                     payer_mobile="01711000009", description="Test item", idempotency_key="cash-0003")
    assert services.operator_float(counter) == 5_000
    from sheba.notifications.models import Message

    assert Message.objects.filter(recipient="+8801711000009").count() == 1
    # A cash refund goes back to the operator's float.
    services.refund_issue(actor=finance, intent=intent, amount_poisha=5_000, reason="wrong service",
                          expected_available_poisha=5_000)
    intent.refresh_from_db()
    assert intent.status == Status.REFUNDED and services.operator_float(counter) == 10_000
