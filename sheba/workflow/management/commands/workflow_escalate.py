"""``manage.py workflow_escalate``: escalate overdue files to their supervising posts now (the
worker does it on its own every few minutes; this is for cron or a manual run). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Escalate overdue open tasks to the supervising post (once per task)."

    def handle(self, *args: Any, **options: Any) -> None:
        from sheba.workflow.services import tasks_escalate_overdue

        count = tasks_escalate_overdue()
        self.stdout.write(f"{count} overdue task(s) escalated.")
