"""`make bench` plugin (see ``Harness`` in scripts/bench.py): the audit chain at scale.

1. The chain is brought to ``CHAIN_ROWS`` rows (the rows the benchmark's own requests wrote, then
   synthetic rows appended under the head lock, ``sheba.audit.bench.generate_rows``), and
   ``verify_chain`` recomputes it from the first row: goal under 60 s, and it must find no problem.
2. ``WRITERS`` threads, each on its own database connection, append ``ROWS_EACH`` rows at once
   (two rows a transaction, as an action plus its view would). Afterwards the seqs must be gapless,
   every prev_hash the previous row's hash (no fork), every transaction's rows adjacent, and the
   whole chain must verify again.
"""

from __future__ import annotations

import threading
import time
from typing import Any

CHAIN_ROWS = 1_000_000
WRITERS = 100
ROWS_EACH = 10  # five transactions of two rows per writer


def _grow_chain(target: int) -> int:
    from sheba.audit.bench import generate_rows
    from sheba.audit.models import AuditChainHead
    from sheba.audit.services import HEAD_ID

    head = AuditChainHead.objects.filter(pk=HEAD_ID).values_list("seq", flat=True).first() or 0
    if head < target:
        generate_rows(target - head)
    return max(head, target)


def _writers() -> dict[str, Any]:
    from django.db import connection, transaction

    from sheba.audit.models import AuditChainHead, AuditEvent
    from sheba.audit.services import HEAD_ID, audit_record

    start_seq = AuditChainHead.objects.get(pk=HEAD_ID).seq
    barrier = threading.Barrier(WRITERS)
    errors: list[str] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=120)
            for k in range(ROWS_EACH // 2):
                with transaction.atomic():
                    audit_record(actor=None, action="bench.concurrent", object_type="bench.writer",
                                 object_id=f"{n}-{k}", data={"writer": n, "k": k})
                    audit_record(actor=None, action="audit.view", object_type="bench.writer", object_id=f"{n}-{k}")
        except BaseException as exc:  # noqa: BLE001 (reported in the table)
            errors.append(f"writer {n}: {exc!r}")
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=write, args=(n,), name=f"audit-writer-{n}") for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    took = time.monotonic() - started
    rows = list(
        AuditEvent.objects.filter(seq__gte=start_seq).order_by("seq").values_list("seq", "prev_hash", "hash", "object_id")
    )
    new = rows[1:] if rows and rows[0][0] == start_seq else rows
    expected = WRITERS * ROWS_EACH
    gapless = [r[0] for r in new] == list(range(start_seq + 1, start_seq + 1 + expected))
    linked = all(rows[i + 1][1] == rows[i][2] for i in range(len(rows) - 1))
    adjacent = all(new[i][3] == new[i + 1][3] for i in range(0, len(new) - 1, 2))
    return {"errors": errors, "rows": len(new), "expected": expected, "gapless": gapless, "linked": linked,
            "adjacent": adjacent, "seconds": took}


def run(h: Any) -> list[dict]:
    from sheba.audit.verify import verify_chain

    rows: list[dict] = []
    total = h.timer.run(f"audit: grow the chain to {CHAIN_ROWS:,} rows", _grow_chain, CHAIN_ROWS)
    h.sql("VACUUM ANALYZE audit_auditevent")
    started = time.monotonic()
    report = h.timer.run(f"audit: verify {total:,} rows", verify_chain)
    took = time.monotonic() - started
    rows.append({
        "endpoint": f"audit_verify, {report.rows:,} rows",
        "result": f"{took:.1f} s" + ("" if report.ok else f" — PROBLEM: {report.first_problem}"),
        "goal": "< 60 s", "met": report.ok and took < 60, "hard": not report.ok,
    })

    outcome = h.timer.run(f"audit: {WRITERS} concurrent writers", _writers)
    again = h.timer.run("audit: verify again", verify_chain)
    intact = (not outcome["errors"] and outcome["rows"] == outcome["expected"] and outcome["gapless"]
              and outcome["linked"] and outcome["adjacent"] and again.ok)
    detail = (f"{outcome['rows']:,} rows in {outcome['seconds']:.1f} s "
              f"({outcome['rows'] / outcome['seconds']:.0f} rows/s), chain verifies" if intact else
              f"FORKED OR BROKEN: {outcome['errors'][:3]} rows {outcome['rows']}/{outcome['expected']} "
              f"gapless={outcome['gapless']} linked={outcome['linked']} adjacent={outcome['adjacent']} "
              f"verify={again.first_problem}")
    rows.append({"endpoint": f"{WRITERS} concurrent audit writers", "result": detail, "goal": "never forks",
                 "met": intact, "hard": True})
    return rows
