"""The hash chain: every row links to the one before, its hash covers its content, the verifier agrees."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from sheba.audit.chain import row_hash
from sheba.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from sheba.audit.services import audit_record, audit_view
from sheba.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def tamper(*statements: str) -> None:
    """Write past the append-only trigger, as someone with the table owner's rights could (rolled back after the test)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        for sql in statements:
            cursor.execute(sql)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")

AT = datetime(2026, 11, 22, 4, 5, 6, 789012, tzinfo=UTC)


def test_rows_chain_from_genesis_with_contiguous_seq(citizen):
    with time_machine.travel(AT, tick=False):
        first = audit_record(actor=citizen, action="application.submitted", object_type="application", object_id="A1")
        second = audit_record(actor=None, action="workflow.started", object_type="application", object_id="A1")
        third = audit_view(actor=citizen, object_type="application", object_id="A1", ip="10.0.0.1")
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert third.action == "audit.view"
    assert len({first.hash, second.hash, third.hash}) == 3
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (3, third.hash)


def test_hash_is_sha256_of_the_documented_canonical_json(citizen):
    with time_machine.travel(AT, tick=False):
        event = audit_record(
            actor=citizen, action="profile.update", object_type="user", object_id=7,
            data={"z": 1.0, "a": ["e\u0301", (1, 2)], "নাম": "ক"}, ip="::FFFF:10.0.0.1",
        )
    body = {
        "v": 1, "seq": 1, "at": "2026-11-22T04:05:06.789012Z", "actor": citizen.pk, "action": "profile.update",
        "object_type": "user", "object_id": "7", "data": {"a": ["\u00e9", [1, 2]], "z": 1, "নাম": "ক"},
        "ip": "::ffff:a00:1", "request_id": "", "prev": GENESIS_HASH,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert event.hash == hashlib.sha256(text.encode()).hexdigest()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == {"z": 1, "a": ["\u00e9", [1, 2]], "নাম": "ক"}  # NFC on the way in
    assert stored.hash == row_hash(
        seq=1, at=stored.at, actor_id=citizen.pk, action="profile.update", object_type="user", object_id="7",
        data=stored.data, ip=stored.ip_address, request_id="", prev_hash=GENESIS_HASH,
    )
    assert verify_chain().ok  # the IPv4-mapped address reads back in another spelling; still verifies


def test_non_json_data_is_refused_and_nothing_is_written(citizen):
    with pytest.raises(TypeError):
        audit_record(actor=citizen, action="x", object_type="y", object_id="1", data={"when": AT})
    with pytest.raises(ValueError):
        audit_record(actor=citizen, action="x", object_type="y", object_id="1", data={"n": float("nan")})
    assert AuditEvent.objects.count() == 0


def test_a_rolled_back_caller_leaves_no_row_and_no_gap(citizen):
    audit_record(actor=citizen, action="a", object_type="t", object_id="1")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=citizen, action="b", object_type="t", object_id="1")
        raise RuntimeError("the caller's change failed")
    last = audit_record(actor=citizen, action="c", object_type="t", object_id="1")
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "action")) == [(1, "a"), (2, "c")]
    assert verify_chain().ok
    assert last.seq == 2


def test_a_lost_head_row_is_rebuilt_from_the_last_row(citizen):
    audit_record(actor=citizen, action="a", object_type="t", object_id="1")
    second = audit_record(actor=citizen, action="b", object_type="t", object_id="1")
    AuditChainHead.objects.all().delete()
    third = audit_record(actor=citizen, action="c", object_type="t", object_id="1")
    assert (third.seq, third.prev_hash) == (3, second.hash)


def test_the_verifier_passes_a_clean_chain_and_exits_zero(citizen, capsys):
    for i in range(25):
        audit_record(actor=citizen, action="a", object_type="t", object_id=str(i), data={"i": i})
    report = verify_chain(batch_size=7)
    assert (report.ok, report.rows, report.last_seq) == (True, 25, 25)
    call_command("audit_verify", "--batch-size", "4")
    assert "audit chain OK" in capsys.readouterr().out


def test_an_empty_chain_verifies():
    report = verify_chain()
    assert (report.ok, report.rows) == (True, 0)


def test_generate_appends_valid_rows_after_real_ones(citizen, capsys):
    audit_record(actor=citizen, action="a", object_type="t", object_id="1")
    call_command("audit_verify", "--generate", "300")
    out = capsys.readouterr().out
    assert "checked 301 rows" in out
    assert AuditChainHead.objects.get().seq == 301
    assert audit_record(actor=citizen, action="b", object_type="t", object_id="1").seq == 302
    assert verify_chain().ok
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent WHERE action = 'bench.action'")
        assert cursor.fetchone()[0] == 300


def test_verify_command_fails_with_status_1_on_tampering(citizen, capsys):
    audit_record(actor=citizen, action="a", object_type="t", object_id="1")
    tamper("UPDATE audit_auditevent SET object_id = '2' WHERE seq = 1")
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify")
    assert raised.value.returncode == 1
    assert "TAMPERED: first bad row is seq 1: content hash" in capsys.readouterr().err
