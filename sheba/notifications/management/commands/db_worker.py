"""``manage.py db_worker``: django-tasks-db's worker, plus the outbox sweeper.

This command shadows django_tasks_db's own (our app comes first in INSTALLED_APPS, the way
staticfiles extends runserver), so every worker — the demo's, production's — also recovers what
a crashed worker left behind: a daemon thread runs ``outbox_sweep`` at start-up and then every
``--sweep-interval`` seconds. Sweeping is idempotent and safe from several workers at once, it
needs no queue entry of its own (a self-rescheduling sweep task would vanish with the worker
that was running it) and it stops with the process.
"""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger("sheba.notifications.sweeper")


def sweep_once(stale_seconds: float | None, grace_seconds: float | None) -> None:
    from sheba.notifications.services import outbox_sweep

    try:
        result = outbox_sweep(stale_seconds=stale_seconds, grace_seconds=grace_seconds)
        if any(vars(result).values()):
            logger.warning("Outbox sweep: %s", result)
    except Exception:
        logger.exception("Outbox sweep failed; trying again at the next interval")
    try:  # overdue files escalate to the supervising post (idempotent, once per task)
        from sheba.workflow.services import tasks_escalate_overdue

        tasks_escalate_overdue()
    except Exception:
        logger.exception("Escalation sweep failed; trying again at the next interval")
    try:  # identity checks whose queued re-check was lost, or whose file was corrected (issue 6)
        from sheba.identity.services import identity_sweep

        identity_sweep()
    except Exception:
        logger.exception("Identity check sweep failed; trying again at the next interval")
    finally:
        connections.close_all()  # this thread's connections only


def sweep_forever(
    interval: float, stale_seconds: float | None, grace_seconds: float | None, stop: threading.Event
) -> None:
    while not stop.is_set():
        sweep_once(stale_seconds, grace_seconds)
        stop.wait(interval)


class Command(DbWorkerCommand):
    help = "Run a database background worker (and the notifications outbox sweeper)."
    # A worker restarts often (deploys, crashes); system checks belong to `manage.py check --deploy`.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval", type=float, default=30.0,
            help="Seconds between outbox sweeps (0 turns the sweeper off). Default: 30.",
        )
        parser.add_argument(
            "--stale-seconds", type=float, default=None,
            help="A message 'sending' for longer than this is sent again. Default: SHEBA_NOTIFY_STALE_SECONDS (60).",
        )
        parser.add_argument(
            "--grace-seconds", type=float, default=None,
            help="A due message 'created' this long with no queue entry is queued again. "
                 "Default: SHEBA_NOTIFY_CREATED_GRACE_SECONDS (30).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options.pop("sweep_interval")
        stale = options.pop("stale_seconds")
        grace = options.pop("grace_seconds")
        reload = options.get("reload") and not options.get("batch")
        in_worker_process = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if interval > 0 and in_worker_process:
            if options.get("batch"):
                sweep_once(stale, grace)
            else:
                thread = threading.Thread(
                    target=sweep_forever, args=(interval, stale, grace, threading.Event()), name="outbox-sweeper",
                    daemon=True,
                )
                thread.start()
        super().handle(*args, **options)
