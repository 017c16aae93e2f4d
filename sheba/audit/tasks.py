"""Background work for the audit log (Django tasks API; ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def audit_checkpoint() -> int:
    """Sign the current chain head; returns the signed seq (0 when the chain is empty)."""
    from sheba.audit.services import audit_checkpoint_create

    checkpoint = audit_checkpoint_create()
    return checkpoint.seq if checkpoint else 0
