"""Background tasks on the Django tasks API (the database worker: ``manage.py db_worker``).

Thin on purpose: they take a bill payment's public id and call a service that re-reads the row
under a lock and acts only from the state it expects, so running one twice is harmless.
"""

from __future__ import annotations

from django_tasks import task


@task()
def post_bill_payment(payment_id: str) -> str:
    """Post a paid bill to its biller if it is due (also the watchdog of a claim that went stale)."""
    from sheba.billpay.services import bill_payment_post

    return bill_payment_post(payment_id=payment_id)


@task()
def refund_unposted_bill_payment(payment_id: str) -> str:
    """Refund a paid bill that could not be posted, after checking with the biller once more."""
    from sheba.billpay.services import bill_payment_refund_unposted

    return bill_payment_refund_unposted(payment_id=payment_id)
