"""Recompute the audit chain from the first row and check every signed checkpoint.

Streams rows in seq order through a server-side cursor (``iterator``) so memory stays flat.
Reports the FIRST problem in the chain: a gap in seq, a broken link (prev_hash is not the previous
row's hash), a content hash that does not match the row, or a row that differs from a signed checkpoint.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection

from sheba.audit import keys
from sheba.audit.chain import row_hash, row_hash_fast
from sheba.audit.models import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditEvent

GAP = "gap"
BROKEN_LINK = "broken link"
CONTENT = "content hash"
CHECKPOINT = "checkpoint mismatch"
TRUNCATED = "missing rows at the end"


@dataclass
class Problem:
    seq: int
    kind: str
    detail: str
    pk: int | None = None

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.kind}: {self.detail}"


@dataclass
class Report:
    rows: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    checkpoints: int = 0
    first_problem: Problem | None = None
    bad_signatures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_problem is None and not self.bad_signatures


FIELDS = (
    "pk", "seq", "at", "actor_id", "action", "object_type", "object_id", "data",
    "ip_address", "request_id", "prev_hash", "hash", "version",
)


_PG_BATCH = (
    # ``at`` comes as its canonical text (what the hash covers): parsing a timestamptz into a datetime
    # per row was the largest single cost of a verification.
    "SELECT id, seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), actor_id, action,"
    " object_type, object_id, data::text, host(ip_address), request_id,"
    " prev_hash, hash, version FROM audit_auditevent WHERE seq > %s ORDER BY seq LIMIT %s"
)


def _stream(batch_size: int) -> Iterator[tuple]:
    """Rows in seq order, ``batch_size`` at a time: keyset pages on PostgreSQL (each one an index range
    scan, parsed by psycopg's C loaders), the ORM's server-side-cursor iterator elsewhere."""
    if connection.vendor != "postgresql":
        yield from AuditEvent.objects.order_by("seq").values_list(*FIELDS).iterator(chunk_size=batch_size)
        return
    loads = json.loads
    after = -(2**62)
    with connection.cursor() as cursor:
        while True:
            cursor.execute(_PG_BATCH, [after, batch_size])
            batch = cursor.fetchall()
            for row in batch:
                yield (*row[:7], loads(row[7]), *row[8:])
            if len(batch) < batch_size:
                return
            after = batch[-1][1]


def verify_chain(*, batch_size: int = 5000) -> Report:
    report = Report()
    checkpoints: dict[int, list[AuditCheckpoint]] = {}
    for cp in AuditCheckpoint.objects.select_related("key").order_by("seq", "pk"):
        report.checkpoints += 1
        checkpoints.setdefault(cp.seq, []).append(cp)
        if cp.key.key_id != keys.key_id_of_b64(cp.key.public_key) or not keys.verify_checkpoint(
            public_key_b64=cp.key.public_key, signature=cp.signature, seq=cp.seq, hash_=cp.hash, at=cp.at,
            key_id=cp.key.key_id,
        ):
            report.bad_signatures.append(f"checkpoint at seq {cp.seq} (key {cp.key.key_id}): signature does not verify")

    expected, prev = 1, GENESIS_HASH
    for pk, seq, at, actor_id, action, object_type, object_id, data, ip, request_id, prev_hash, hash_, version in _stream(batch_size):
        report.rows += 1
        if seq != expected:
            report.first_problem = Problem(seq, GAP, f"expected seq {expected}, found {seq}", pk)
            break
        if prev_hash != prev:
            report.first_problem = Problem(
                seq, BROKEN_LINK, f"prev_hash {prev_hash[:12]}… is not the hash of seq {seq - 1} ({prev[:12]}…)", pk
            )
            break
        fields = {
            "seq": seq, "at": at, "actor_id": actor_id, "action": action, "object_type": object_type,
            "object_id": object_id, "data": data, "ip": ip, "request_id": request_id, "prev_hash": prev_hash,
            "version": version,
        }
        try:
            computed = row_hash_fast(**fields)
            if computed != hash_:  # maybe not stored in canonical form (rows back-filled by migration 0003)
                if isinstance(at, str):
                    fields["at"] = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
                computed = row_hash(**fields)
        except (TypeError, ValueError) as exc:
            computed = f"unhashable: {exc}"
        if computed != hash_:
            report.first_problem = Problem(
                seq, CONTENT, f"the row's content does not match its hash (stored {hash_[:12]}…, computed {computed[:12]}…)", pk
            )
            break
        for cp in checkpoints.get(seq, ()):
            if cp.hash != hash_:
                report.first_problem = Problem(
                    seq, CHECKPOINT, f"hash {hash_[:12]}… differs from the checkpoint signed at {cp.at:%Y-%m-%d %H:%M} UTC", pk
                )
                break
        if report.first_problem:
            break
        prev, expected = hash_, expected + 1
        report.last_seq, report.last_hash = seq, hash_

    if report.first_problem is None:
        beyond = [s for s in checkpoints if s > report.last_seq]
        head = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
        missing_to = max([head, *beyond])
        if missing_to > report.last_seq:
            report.first_problem = Problem(
                report.last_seq + 1, TRUNCATED, f"the chain ends at seq {report.last_seq} but reached seq {missing_to}"
            )
    return report
