"""Background re-checks of identity checks the register could not answer (Django tasks API).

Thin: the task takes the check's public id; ``identity_recheck`` re-reads the row, asks the
register outside any transaction, records the answer under a lock and, while the register stays
down, queues the next try with backoff.
"""

from __future__ import annotations

from django_tasks import task


@task()
def identity_recheck_task(check_id: str) -> str:
    """Ask the register again for one pending identity check (idempotent)."""
    from sheba.identity.services import identity_recheck

    return identity_recheck(check_id=check_id)
