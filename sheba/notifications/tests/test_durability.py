"""SECURITY.md: `kill -9` of the worker at random points loses no message and costs at most
one duplicate per kill. A real `manage.py db_worker` runs against the test database and sends
through the local HTTP gateway stand-in; the stand-in counts requests per message reference.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import transaction

from sheba.notifications.models import Message, MessageStatus
from sheba.notifications.services import notify
from sheba.notifications.testing import SmsGatewayStub

ROOT = Path(__file__).resolve().parents[3]
MESSAGES = 50
MAX_KILLS = 4


def database_url(settings) -> str:
    db = settings.DATABASES["default"]  # during the test this names the test database
    auth = quote(db["USER"], safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay", "--no-reload",
         "--sweep-interval", "0.5", "--stale-seconds", "3", "--grace-seconds", "2", "-v" + os.environ.get("NOTIF_DEBUG_V", "0")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def sent_count() -> int:
    return Message.objects.filter(status=MessageStatus.SENT).count()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kill_9_loses_nothing_and_duplicates_at_most_one_per_kill(settings, tmp_path):
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    gateway = SmsGatewayStub(name="gw", token="durability-token", delay=0.02).start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(settings),
        "SHEBA_ENV": "test",
        "SHEBA_SMS_BACKEND": "http",
        "SHEBA_SMS_URL": gateway.url,
        "SHEBA_SMS_TOKEN": gateway.token,
        "SHEBA_SMS_FALLBACK_URL": "",
        "SHEBA_SMS_TIMEOUT_SECONDS": "2",
        "SHEBA_LOG_LEVEL": os.environ.get("NOTIF_DEBUG_LOG", "CRITICAL"),
    }
    with transaction.atomic():  # the business change; the queue entries follow its commit
        ids = {
            str(m.pk)
            for i in range(MESSAGES)
            for m in notify(event="welcome", context={"name": f"n{i}"}, sms_to=f"+8801712{i:06d}", language="en")
        }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed below
    kills = 0
    deadline = time.monotonic() + 55  # generous: a busy 2-core machine starts Django slowly

    def all_received() -> bool:
        return len(gateway.references()) >= MESSAGES

    worker = None
    try:
        while kills < MAX_KILLS and not all_received():
            worker = start_worker(env, log)
            target = len(gateway.requests) + rng.randint(1, 10)
            while len(gateway.requests) < target and not all_received() and time.monotonic() < deadline:
                time.sleep(0.002)
            if all_received():
                break
            time.sleep(rng.uniform(0, 0.04))  # before, during or after the gateway's answer
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            kills += 1
        else:
            worker = start_worker(env, log)  # the restart; its sweeper recovers what the kills left
        while sent_count() < MESSAGES and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        gateway.stop()
        log.close()

    statuses = Counter(Message.objects.values_list("status", flat=True))
    assert sent_count() == MESSAGES, (seed, kills, statuses, (tmp_path / "worker.log").read_text()[-3000:])
    received = gateway.references()
    assert set(received) == ids, f"lost: {ids - set(received)} (seed {seed})"
    duplicates = sum(count - 1 for count in received.values())
    assert duplicates <= kills, (seed, kills, received)
    assert kills >= 1
    call_command("notifications_sweep", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert sent_count() == MESSAGES
