"""The database refuses to change or remove audit rows, whoever asks (ORM or raw SQL)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from sheba.audit.models import AuditCheckpoint, AuditEvent, AuditKey
from sheba.audit.services import audit_checkpoint_create, audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(citizen):
    return audit_record(actor=citizen, action="application.submitted", object_type="application", object_id="A1")


def refused(callable_) -> str:
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        callable_()
    return str(raised.value)


def raw(sql: str, params=None):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def unchanged(event: AuditEvent) -> None:
    again = AuditEvent.objects.get(pk=event.pk)
    assert (again.action, again.object_id, again.hash, AuditEvent.objects.count()) == (
        event.action, event.object_id, event.hash, 1,
    )


def test_orm_save_update_and_delete_are_refused(event):
    event.action = "application.withdrawn"
    assert "append-only: UPDATE refused" in refused(lambda: event.save())
    assert "append-only: UPDATE refused" in refused(lambda: AuditEvent.objects.update(object_id="A2"))
    assert "append-only: DELETE refused" in refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    event.refresh_from_db()
    unchanged(event)


def test_raw_sql_update_and_delete_are_refused(event):
    assert "append-only: UPDATE refused" in refused(raw("UPDATE audit_auditevent SET data = '{}'::jsonb"))
    assert "append-only: DELETE refused" in refused(raw("DELETE FROM audit_auditevent WHERE seq = 1"))
    unchanged(event)


def test_truncate_is_refused_without_the_test_only_switch(event):
    def truncate():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL sheba.allow_audit_truncate = 'off'")
            cursor.execute("TRUNCATE audit_auditevent CASCADE")

    assert "append-only: TRUNCATE refused" in refused(truncate)
    unchanged(event)


def test_checkpoints_cannot_change_and_keys_cannot_be_deleted(event, audit_key):
    checkpoint = audit_checkpoint_create()
    assert "append-only: UPDATE refused" in refused(lambda: AuditCheckpoint.objects.update(seq=99))
    assert "append-only: DELETE refused" in refused(lambda: AuditCheckpoint.objects.all().delete())
    assert "append-only: DELETE refused" in refused(raw("DELETE FROM audit_auditkey"))
    checkpoint.refresh_from_db()
    assert (checkpoint.seq, AuditCheckpoint.objects.count(), AuditKey.objects.count()) == (1, 1, 1)
