"""Queue again bill postings and refunds that lost their queue entry (idempotent; run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Re-queue due bill postings, stale postings of dead workers, and refunds of unposted bills."

    def handle(self, *args: Any, **options: Any) -> None:
        from sheba.billpay.services import bill_payments_sweep

        self.stdout.write(f"queued {bill_payments_sweep()}")
