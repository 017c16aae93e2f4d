"""Reads for payments: who may see which payment (the payer only; officers of the office for
office payments), the fee state of an application."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sheba.core.errors import NotFound
from sheba.payments.models import OPEN, SUCCESS, PaymentIntent, Refund, Status


def payments_visible_to(user: Any) -> QuerySet[PaymentIntent]:
    """A citizen sees the payments they made; nobody else sees a citizen's payment here."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return PaymentIntent.objects.none()
    return PaymentIntent.objects.filter(payer=user)


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise NotFound() from None


def payment_get(user: Any, public_id: Any) -> PaymentIntent:
    """One payment ``user`` may see, or NotFound (also for someone else's)."""
    found = payments_visible_to(user).filter(public_id=_as_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def payment_receipt_get(user: Any, public_id: Any) -> PaymentIntent:
    """A paid payment whose receipt ``user`` may download (the payer only)."""
    intent = payment_get(user, public_id)
    if intent.receipt_number is None:
        raise NotFound()
    return intent


def my_payments(user: Any) -> QuerySet[PaymentIntent]:
    return payments_visible_to(user).order_by("-created_at", "-pk")


def payment_refunds(intent: PaymentIntent) -> QuerySet[Refund]:
    return intent.refunds.order_by("created_at")


@dataclass(frozen=True)
class FeeState:
    amount_poisha: int | None
    online: bool
    required: bool  # fee > 0 and the office collects it online: approval waits for it
    paid: PaymentIntent | None
    open: PaymentIntent | None  # a payment under way (pending at the gateway)


def fee_state(application: Any) -> FeeState:
    """The application fee at the application's office and whether it is paid."""
    from sheba.catalog.selectors import service_fee_at

    fee = service_fee_at(application.service, application.office)
    amount = fee.amount.poisha if fee.amount is not None else None
    reference = str(application.public_id)
    paid = PaymentIntent.objects.filter(purpose="application_fee", reference=reference, status__in=SUCCESS,
                                        duplicate_of__isnull=True).first()
    pending = (
        PaymentIntent.objects.filter(purpose="application_fee", reference=reference, status__in=OPEN)
        .exclude(status=Status.CREATED).order_by("-created_at").first()
    )
    online = bool(fee.online_collection_enabled)
    return FeeState(amount_poisha=amount, online=online, required=bool(online and amount and amount > 0),
                    paid=paid, open=pending)
