"""Tampering is caught: the verifier names the first bad row and says what is wrong with it."""

from __future__ import annotations

import pytest
from django.db import connection

from sheba.audit.chain import row_hash
from sheba.audit.models import AuditEvent
from sheba.audit.services import audit_checkpoint_create, audit_record
from sheba.audit.verify import BROKEN_LINK, CHECKPOINT, CONTENT, GAP, TRUNCATED, verify_chain

pytestmark = pytest.mark.django_db


def tamper(*statements: str, params=None) -> None:
    """Write past the append-only trigger, as the table's owner could (rolled back after the test)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        for sql in statements:
            cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


@pytest.fixture
def chain(citizen):
    return [
        audit_record(actor=citizen, action="workflow.forward", object_type="application", object_id=str(i % 3),
                     data={"note": f"নোট {i}"})
        for i in range(1, 21)
    ]


def test_changed_data_names_that_exact_row(chain):
    tamper("UPDATE audit_auditevent SET data = '{\"note\": \"অনুমোদিত\"}'::jsonb WHERE seq = 13")
    problem = verify_chain(batch_size=4).first_problem
    assert (problem.seq, problem.kind) == (13, CONTENT)
    assert problem.pk == chain[12].pk


def test_the_first_of_two_changed_rows_is_named(chain):
    tamper("UPDATE audit_auditevent SET actor_id = NULL WHERE seq IN (6, 17)")
    problem = verify_chain().first_problem
    assert (problem.seq, problem.kind) == (6, CONTENT)


def test_a_changed_time_is_caught(chain):
    tamper("UPDATE audit_auditevent SET at = at - interval '1 microsecond' WHERE seq = 2")
    assert (verify_chain().first_problem.seq, verify_chain().first_problem.kind) == (2, CONTENT)


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_next_link(chain):
    row = AuditEvent.objects.get(seq=9)
    forged = row_hash(
        seq=9, at=row.at, actor_id=None, action=row.action, object_type=row.object_type, object_id=row.object_id,
        data=row.data, ip=row.ip_address, request_id=row.request_id, prev_hash=row.prev_hash,
    )
    tamper("UPDATE audit_auditevent SET actor_id = NULL, hash = %s WHERE seq = 9", params=[forged])
    problem = verify_chain().first_problem
    assert (problem.seq, problem.kind) == (10, BROKEN_LINK)
    assert "seq 9" in problem.detail


def test_a_deleted_row_is_a_gap(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq = 5")
    problem = verify_chain().first_problem
    assert (problem.seq, problem.kind, problem.detail) == (6, GAP, "expected seq 5, found 6")


def test_deleted_last_rows_are_caught(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq >= 19")
    problem = verify_chain().first_problem
    assert (problem.seq, problem.kind) == (19, TRUNCATED)


def test_a_consistently_rewritten_chain_is_caught_by_the_signed_checkpoint(chain, audit_key):
    audit_checkpoint_create()
    # Rewrite rows 15..20 and re-hash everything from there on, so links and hashes all agree.
    rows = list(AuditEvent.objects.filter(seq__gte=15).order_by("seq"))
    prev = AuditEvent.objects.get(seq=14).hash
    updates = []
    for row in rows:
        new = row_hash(
            seq=row.seq, at=row.at, actor_id=row.actor_id, action="workflow.reject", object_type=row.object_type,
            object_id=row.object_id, data=row.data, ip=row.ip_address, request_id=row.request_id, prev_hash=prev,
        )
        updates.append(f"UPDATE audit_auditevent SET action = 'workflow.reject', prev_hash = '{prev}', hash = '{new}' WHERE seq = {row.seq}")
        prev = new
    # prev_hash is unique: shift the old values out of the way first.
    tamper("UPDATE audit_auditevent SET prev_hash = 'x' || seq, hash = 'y' || seq WHERE seq >= 15", *updates)
    report = verify_chain()
    assert (report.first_problem.seq, report.first_problem.kind) == (20, CHECKPOINT)
    assert report.bad_signatures == []
