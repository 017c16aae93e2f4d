"""Background tasks on the Django tasks API (django-tasks-db worker: ``manage.py db_worker``).

Thin on purpose: they take an id and call a service that re-reads the row under a lock.
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_message(message_id: str) -> str:
    """Send one outbox message if it is still due (idempotent; safe to run twice)."""
    from sheba.notifications.services import message_deliver

    return message_deliver(message_id=message_id)


@task()
def sweep_outbox() -> dict[str, int]:
    """Re-queue messages that a crashed worker left behind (see ``outbox_sweep``)."""
    from dataclasses import asdict

    from sheba.notifications.services import outbox_sweep

    return asdict(outbox_sweep())
