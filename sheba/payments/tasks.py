"""Background work for payments (Django tasks API). Thin: each takes an id or nothing and calls a
service that re-reads rows under a lock and acts only from an expected state."""

from __future__ import annotations

from django_tasks import task


@task()
def send_refund(refund_id: int) -> str:
    """Send one requested refund to the gateway (safe to run twice: the gateway dedupes)."""
    from sheba.payments.services import refund_send

    return str(refund_send(refund_id=refund_id).status)


@task()
def resolve_stale_payments() -> int:
    """Query the gateway about UNKNOWN and stale PENDING payments; retry requested refunds."""
    from sheba.payments.services import payments_resolve_stale

    return payments_resolve_stale()


@task()
def query_payment(intent_id: int) -> str:
    """Ask the gateway about one payment still open (UNKNOWN, or PENDING for a while)."""
    from datetime import timedelta

    from sheba.core import clock
    from sheba.payments.models import OPEN, PaymentIntent
    from sheba.payments.services import payment_query

    intent = PaymentIntent.objects.filter(pk=intent_id).first()
    if intent is None:
        return "gone"
    intent = payment_query(intent=intent, source="task")
    now = clock.now()
    # Still open: ask again once it may expire (90 minutes), then every 10 minutes for a day.
    if intent.status in OPEN and now < intent.created_at + timedelta(hours=24):
        expiry = intent.created_at + timedelta(minutes=91)
        query_payment.using(run_after=expiry if now < expiry else now + timedelta(minutes=10)).enqueue(intent_id)
    return str(intent.status)
