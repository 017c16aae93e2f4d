"""Background work for the file workflow (Django tasks API; ``manage.py db_worker`` also runs the
escalation sweep on its own timer, see ``sheba.notifications.management.commands.db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def escalate_overdue() -> int:
    """Escalate every overdue open task to its supervising post (once each); returns how many."""
    from sheba.workflow.services import tasks_escalate_overdue

    return tasks_escalate_overdue()
