"""Synthetic audit rows for benchmarks (``manage.py audit_verify --generate N``). Appends to the real
chain under the head lock; PostgreSQL gets them through COPY, SQLite through bulk_create."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

from django.db import connection, transaction

from sheba.audit.chain import CHAIN_VERSION, row_hash
from sheba.audit.models import AuditChainHead, AuditEvent
from sheba.audit.services import HEAD_ID, _locked_head
from sheba.core import clock

COLUMNS = (
    "seq", "at", "actor_id", "action", "object_type", "object_id", "data", "ip_address", "request_id",
    "version", "prev_hash", "hash",
)


def _rows(start_seq: int, prev: str, n: int) -> Iterator[tuple]:
    base = clock.now()
    for i in range(n):
        seq = start_seq + i
        at = base + timedelta(milliseconds=i)
        data = {"step": "forward", "note_chars": seq % 500, "to": "বিভাগীয় কর্মকর্তা"}
        ip = f"10.{(seq >> 16) & 255}.{(seq >> 8) & 255}.{seq & 255}"
        object_id = str(seq // 7)
        h = row_hash(
            seq=seq, at=at, actor_id=None, action="bench.action", object_type="bench.file", object_id=object_id,
            data=data, ip=ip, request_id="", prev_hash=prev,
        )
        yield (seq, at, None, "bench.action", "bench.file", object_id, data, ip, "", CHAIN_VERSION, prev, h)
        prev = h


@transaction.atomic
def generate_rows(n: int) -> None:
    head = _locked_head()
    last = (head.seq, head.hash)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY audit_auditevent ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in _rows(head.seq + 1, head.hash, n):
                    copy.write_row((*row[:6], json.dumps(row[6], ensure_ascii=False), *row[7:]))
                    last = (row[0], row[-1])
    else:
        batch = []
        for row in _rows(head.seq + 1, head.hash, n):
            batch.append(AuditEvent(**dict(zip(COLUMNS, row, strict=True))))
            last = (row[0], row[-1])
            if len(batch) >= 5000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
    AuditChainHead.objects.filter(pk=HEAD_ID).update(seq=last[0], hash=last[1])
