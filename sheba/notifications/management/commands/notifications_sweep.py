"""``manage.py notifications_sweep``: one outbox sweep now (the worker also runs it every 30 s)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sheba.notifications.services import outbox_sweep


class Command(BaseCommand):
    help = ("Re-queue outbox messages left behind by a crashed worker; expire stale OTP messages; "
            "blank the text of messages whose secret has expired.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--stale-seconds", type=float, default=None,
                            help="Treat 'sending' rows older than this as abandoned (default: settings).")
        parser.add_argument("--grace-seconds", type=float, default=None,
                            help="Re-queue 'created' rows older than this with no queue entry (default: settings).")

    def handle(self, *args: Any, stale_seconds: float | None, grace_seconds: float | None, **options: Any) -> None:
        result = outbox_sweep(stale_seconds=stale_seconds, grace_seconds=grace_seconds)
        self.stdout.write(
            f"requeued_stale={result.requeued_stale} requeued_created={result.requeued_created} "
            f"expired={result.expired} failed={result.failed} redacted={result.redacted}"
        )
