"""`kill -9` of the worker while it posts bills to the biller: nothing is lost and nothing is
posted twice. A real `manage.py db_worker` runs against the test database and posts to the biller
simulator, whose postings are slow (recorded first, answered 0.3 s later: the dangerous window)
and NOT de-duplicated (fault "duplicate"), so a second posting would show."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from sheba.billpay import services
from sheba.billpay.adapters import get_gateway
from sheba.billpay.catalogue import ACCOUNTS_FILE
from sheba.billpay.models import BillPayment, BillPaymentStatus
from sheba.billpay.simulator import load_accounts
from sheba.billpay.tests.helpers import make_citizen, make_operator
from sheba.notifications.tests.test_durability import database_url

ROOT = Path(__file__).resolve().parents[3]
MAX_KILLS = 3


def start_worker(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay", "--no-reload",
         "--sweep-interval", "0"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def pay_every_bill(billers) -> set[str]:
    operator = make_operator(float_poisha=100_000_000)
    references = set()
    for spec in load_accounts(ACCOUNTS_FILE):
        biller = billers[spec["biller"]]
        if not spec.get("bill") or not biller.accepts_cash:
            continue
        unit = spec.get("unit", "")
        bill = get_gateway().fetch(biller=biller.code, account=spec["account"], unit=unit).bill
        payment = services.bill_payment_cash(
            operator=operator, biller=biller, unit=unit, account_number=spec["account"],
            citizen_mobile=make_citizen().mobile, bill_id=bill.bill_id,
            amount=f"{bill.payable_poisha // 100}.{bill.payable_poisha % 100:02d}")
        assert payment.status == BillPaymentStatus.PAID
        references.add(payment.posting_reference)
    return references


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_kill_9_during_postings_loses_nothing_and_posts_nothing_twice(billers, biller_sim, settings, tmp_path):
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    references = pay_every_bill(billers)
    assert len(references) >= 10
    biller_sim.fault("slow_post", "duplicate", slow_seconds=0.3)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(settings),
        "SHEBA_ENV": "test",
        "SHEBA_BILLER_URL": biller_sim.url,
        "SHEBA_BILLER_CLIENT_ID": biller_sim.client_id,
        "SHEBA_BILLER_SECRET": biller_sim.secret,
        "SHEBA_BILLER_TIMEOUT_SECONDS": "1.5",
        "SHEBA_BILLPAY_STALE_SECONDS": "2",
        "SHEBA_BILLPAY_BACKOFF_SECONDS": "0.5",
        "SHEBA_SMS_BACKEND": "outbox",
        "SHEBA_LOG_LEVEL": "CRITICAL",
    }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed below
    deadline = time.monotonic() + 120  # generous: a busy 2-core machine starts Django slowly
    kills = 0

    def requests_made() -> int:
        return sum(biller_sim.state()["requests"].values())

    def posted() -> int:
        return BillPayment.objects.filter(status=BillPaymentStatus.POSTED).count()

    worker = None
    try:
        while kills < MAX_KILLS and posted() < len(references) and time.monotonic() < deadline:
            worker = start_worker(env, log)
            target = requests_made() + rng.randint(1, 3)
            while requests_made() < target and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.3))  # before, during or after the biller's answer
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            kills += 1
        worker = start_worker(env, log)  # the restart: the watchdogs take over the stale claims
        while posted() < len(references) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        log.close()

    statuses = Counter(BillPayment.objects.values_list("status", flat=True))
    assert posted() == len(references), (seed, kills, statuses, (tmp_path / "worker.log").read_text()[-3000:])
    state = biller_sim.state()
    at_biller = Counter(p["reference"] for p in state["postings"])
    assert set(at_biller) == references, f"lost: {references - set(at_biller)} (seed {seed})"
    assert max(at_biller.values()) == 1, (seed, at_biller)  # never posted twice
    assert max(state["requests"].values()) == 1, (seed, state["requests"])  # re-checked, not re-sent
    assert kills >= 1
    for payment in BillPayment.objects.all():
        assert payment.biller_txn_id in {p["biller_txn_id"] for p in state["postings"]}
