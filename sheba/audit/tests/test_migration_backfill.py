"""Rows written before the chain existed (dev databases) get seq/prev_hash/hash from migration 0003."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sheba.audit.models import AuditChainHead, AuditEvent
from sheba.audit.services import audit_record
from sheba.audit.verify import verify_chain

BEFORE = [("audit", "0001_initial")]
AFTER = [("audit", "0005_append_only_triggers")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_back_filled_into_a_valid_chain():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for i, (data, ip) in enumerate(
                [('{"a": 1.0, "b": "e\u0301"}', "::FFFF:1.2.3.4"), ("{}", None), ('{"n": [1, 2.5]}', "10.0.0.9")]
            ):
                cursor.execute(
                    "INSERT INTO audit_auditevent (at, action, object_type, object_id, data, ip_address, request_id)"
                    " VALUES (now() - make_interval(mins => %s), 'old.action', 'application', %s, %s::jsonb, %s, '')",
                    [10 - i, str(i), data, ip],
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "object_id")) == [(1, "0"), (2, "1"), (3, "2")]
    assert AuditChainHead.objects.get().seq == 3
    assert verify_chain().ok
    assert audit_record(actor=None, action="new", object_type="t", object_id="x").seq == 4
    assert verify_chain().ok
