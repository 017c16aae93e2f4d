"""Delivery receipts from the SMS gateway."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from sheba.notifications.models import DeliveryReceipt, Message
from sheba.notifications.services import message_deliver

from .conftest import make_otp, reload

pytestmark = pytest.mark.django_db
TOKEN = "receipt-secret"


@pytest.fixture
def sent_message(clock, settings):
    settings.SHEBA_SMS_BACKEND = "outbox"
    settings.SHEBA_SMS_RECEIPT_TOKEN = TOKEN
    message = make_otp()
    message_deliver(message_id=str(message.pk))
    return reload(message)


def post(client, body, token=TOKEN, raw=None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(
        reverse("notifications:sms_receipt"),
        data=raw if raw is not None else body,
        content_type="application/json",
        headers=headers,
    )


def test_delivered_receipt_moves_sent_to_delivered(client, sent_message):
    response = post(client, {"reference": str(sent_message.pk), "status": "delivered"})
    assert response.status_code == 200
    assert response.json() == {"reference": str(sent_message.pk), "status": "delivered"}
    message = reload(sent_message)
    assert message.status == "delivered"
    assert message.delivered_at is not None
    (receipt,) = message.receipts.all()
    assert (receipt.status, receipt.raw) == ("delivered", {"reference": str(sent_message.pk), "status": "delivered"})


def test_failed_receipt_moves_sent_to_failed(client, sent_message):
    assert post(client, {"reference": str(sent_message.pk), "status": "UNDELIV"}).status_code == 200
    message = reload(sent_message)
    assert (message.status, message.last_error) == ("failed", "receipt: undeliv")


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x", TOKEN.upper()])
def test_bad_token_is_refused_and_changes_nothing(client, sent_message, token):
    response = post(client, {"reference": str(sent_message.pk), "status": "delivered"}, token=token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert reload(sent_message).status == "sent"
    assert DeliveryReceipt.objects.count() == 0


def test_no_configured_token_refuses_every_receipt(client, sent_message, settings):
    settings.SHEBA_SMS_RECEIPT_TOKEN = ""
    assert post(client, {"reference": str(sent_message.pk), "status": "delivered"}, token="").status_code == 401
    assert DeliveryReceipt.objects.count() == 0


@pytest.mark.parametrize("reference", [str(uuid.uuid4()), "not-a-uuid", "'; DROP TABLE x; --"])
def test_unknown_reference_is_404(client, sent_message, reference):
    response = post(client, {"reference": reference, "status": "delivered"})
    assert response.status_code == 404
    assert DeliveryReceipt.objects.count() == 0


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '{"reference": 5, "status": "delivered"}', '{"status": "x"}', "\xff"])
def test_malformed_bodies_are_400(client, sent_message, raw):
    assert post(client, None, raw=raw).status_code == 400
    assert DeliveryReceipt.objects.count() == 0


def test_duplicate_receipt_is_recorded_once(client, sent_message):
    body = {"reference": str(sent_message.pk), "status": "delivered"}
    assert post(client, body).status_code == 200
    delivered_at = reload(sent_message).delivered_at
    assert post(client, body).status_code == 200
    assert DeliveryReceipt.objects.count() == 1
    assert reload(sent_message).delivered_at == delivered_at


def test_late_failure_after_delivery_is_kept_but_does_not_move_back(client, sent_message):
    assert post(client, {"reference": str(sent_message.pk), "status": "delivered"}).status_code == 200
    assert post(client, {"reference": str(sent_message.pk), "status": "failed"}).status_code == 200
    assert reload(sent_message).status == "delivered"
    assert list(DeliveryReceipt.objects.order_by("id").values_list("status", flat=True)) == ["delivered", "failed"]


def test_get_is_not_allowed(client, sent_message):
    assert client.get(reverse("notifications:sms_receipt")).status_code == 405


def test_receipt_for_an_email_is_unknown(client, sent_message, settings):
    from sheba.notifications.services import notify

    settings.SHEBA_EMAIL_BACKEND = "outbox"
    (mail,) = notify(event="welcome", context={"name": ""}, email_to="a@example.com")
    assert post(client, {"reference": str(mail.pk), "status": "delivered"}).status_code == 404
    assert Message.objects.get(pk=mail.pk).receipts.count() == 0
