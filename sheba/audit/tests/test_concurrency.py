"""100 writers at once, each on its own connection and in its own transaction: the chain never forks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from sheba.audit.models import GENESIS_HASH, AuditEvent
from sheba.audit.services import audit_record
from sheba.audit.verify import verify_chain

WRITERS = 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            with transaction.atomic():
                audit_record(actor=None, action="workflow.forward", object_type="application", object_id=str(n),
                             data={"writer": n})
                # a second row in the same transaction: the lock is held until commit
                audit_record(actor=None, action="audit.view", object_type="application", object_id=str(n))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash", "object_id"))
    assert [r[0] for r in rows] == list(range(1, 2 * WRITERS + 1))
    assert [r[1] for r in rows] == [GENESIS_HASH] + [r[2] for r in rows[:-1]]
    assert sorted({r[3] for r in rows}, key=int) == [str(n) for n in range(WRITERS)]
    # each writer's two rows are adjacent: nobody slipped in while a transaction held the head
    assert all(rows[i][3] == rows[i + 1][3] for i in range(0, len(rows), 2))
    report = verify_chain()
    assert (report.ok, report.rows) == (True, 2 * WRITERS)
