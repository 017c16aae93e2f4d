"""Signed checkpoints: the key lives in a mode-600 file, public keys are published, rotation keeps old ones valid."""

from __future__ import annotations

import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sheba.audit import keys
from sheba.audit.models import AuditCheckpoint, AuditKey
from sheba.audit.services import audit_checkpoint_create, audit_record
from sheba.audit.tasks import audit_checkpoint
from sheba.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def record(n, citizen):
    for i in range(n):
        audit_record(actor=citizen, action="a", object_type="t", object_id=str(i))


def test_keygen_writes_a_private_file_and_publishes_the_public_key(audit_key, capsys):
    call_command("audit_keygen")
    assert stat.S_IMODE(audit_key.stat().st_mode) == 0o600
    key = AuditKey.objects.get()
    assert key.retired_at is None
    assert f"audit signing key {key.key_id}" in capsys.readouterr().out
    assert b"PRIVATE KEY" in audit_key.read_bytes()
    assert "PRIVATE" not in key.public_key
    with pytest.raises(CommandError, match="use --rotate"):
        call_command("audit_keygen")
    assert AuditKey.objects.count() == 1


def test_a_checkpoint_signs_the_head_and_verifies(audit_key, citizen, capsys):
    record(3, citizen)
    call_command("audit_checkpoint")
    checkpoint = AuditCheckpoint.objects.get()
    assert "checkpoint at seq 3 signed" in capsys.readouterr().out
    assert keys.verify_checkpoint(
        public_key_b64=checkpoint.key.public_key, signature=checkpoint.signature, seq=3, hash_=checkpoint.hash,
        at=checkpoint.at, key_id=checkpoint.key.key_id,
    )
    assert not keys.verify_checkpoint(
        public_key_b64=checkpoint.key.public_key, signature=checkpoint.signature, seq=2, hash_=checkpoint.hash,
        at=checkpoint.at, key_id=checkpoint.key.key_id,
    )
    report = verify_chain()
    assert (report.ok, report.checkpoints) == (True, 1)


def test_the_task_signs_too_and_an_empty_chain_is_not_signed(audit_key, citizen):
    assert audit_checkpoint.call() == 0
    assert AuditCheckpoint.objects.count() == 0
    record(2, citizen)
    assert audit_checkpoint.call() == 2
    assert AuditCheckpoint.objects.get().seq == 2


def test_old_checkpoints_still_verify_after_rotation(audit_key, citizen):
    record(2, citizen)
    old = audit_checkpoint_create()
    call_command("audit_keygen", "--rotate")
    record(2, citizen)
    new = audit_checkpoint_create()
    assert old.key_id != new.key_id
    assert AuditKey.objects.get(pk=old.key_id).retired_at is not None
    assert AuditKey.objects.get(pk=new.key_id).retired_at is None
    report = verify_chain()
    assert (report.ok, report.checkpoints, report.last_seq) == (True, 2, 4)


def test_a_forged_signature_is_reported(audit_key, citizen):
    record(2, citizen)
    checkpoint = audit_checkpoint_create()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER audit_auditcheckpoint_append_only")
        cursor.execute("UPDATE audit_auditcheckpoint SET seq = 1 WHERE id = %s", [checkpoint.pk])
    report = verify_chain()
    assert not report.ok
    assert report.bad_signatures == [f"checkpoint at seq 1 (key {checkpoint.key.key_id}): signature does not verify"]


def test_production_refuses_to_create_the_key_implicitly(audit_key, citizen, settings):
    settings.PRODUCTION = True
    record(1, citizen)
    with pytest.raises(ImproperlyConfigured, match="audit_keygen"):
        audit_checkpoint_create()
    with pytest.raises(CommandError, match="audit_keygen"):
        call_command("audit_checkpoint")
    assert not audit_key.exists()
    assert AuditCheckpoint.objects.count() == 0


def test_a_key_file_readable_by_others_is_refused(audit_key, citizen):
    call_command("audit_keygen")
    audit_key.chmod(0o644)
    record(1, citizen)
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        audit_checkpoint_create()
    assert AuditCheckpoint.objects.count() == 0
