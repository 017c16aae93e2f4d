"""Writes to the audit log. ``audit_record`` appends one row to the hash chain in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sheba.audit.chain import CHAIN_VERSION, nfc_json, normalise_ip, row_hash
from sheba.audit.models import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditEvent
from sheba.core import clock
from sheba.core.logging import request_id_var

VIEW_ACTION = "audit.view"
HEAD_ID = 1


def _locked_head() -> AuditChainHead:
    """The chain head, locked FOR UPDATE until the caller's transaction ends. Re-created if missing
    (a fresh or flushed database) from the last row, so a lost head cannot restart the chain."""
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, hash_ = last if last else (0, GENESIS_HASH)
    AuditChainHead.objects.bulk_create([AuditChainHead(pk=HEAD_ID, seq=seq, hash=hash_)], ignore_conflicts=True)
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)


def audit_record(
    *, actor: Any, action: str, object_type: str, object_id: str, data: dict | None = None, ip: str | None = None
) -> AuditEvent:
    """Append one audit row to the chain in the caller's transaction. Never pass secrets or a full NID in ``data``.

    Cost: one locked SELECT of the head row, one INSERT, one UPDATE of the head. The head stays
    locked until the caller commits, so concurrent writers queue and the chain never forks; keep
    the call near the end of short transactions."""
    request_id = request_id_var.get()
    clean_data = nfc_json(data or {})
    with transaction.atomic(savepoint=False):  # the caller's transaction if any (no savepoint), else its own
        head = _locked_head()
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "at": clock.now(),
            "actor_id": actor.pk if getattr(actor, "pk", None) else None,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "data": clean_data,
            "ip_address": normalise_ip(ip),
            "request_id": request_id if request_id != "-" else "",
            "version": CHAIN_VERSION,
            "prev_hash": head.hash,
        }
        fields["hash"] = row_hash(
            seq=fields["seq"],
            at=fields["at"],
            actor_id=fields["actor_id"],
            action=action,
            object_type=object_type,
            object_id=fields["object_id"],
            data=clean_data,
            ip=fields["ip_address"],
            request_id=fields["request_id"],
            prev_hash=head.hash,
        )
        event = AuditEvent.objects.create(**fields)
        AuditChainHead.objects.filter(pk=HEAD_ID).update(seq=event.seq, hash=event.hash)
    return event


def audit_view(*, actor: Any, object_type: str, object_id: str, ip: str | None = None) -> AuditEvent:
    """Record that ``actor`` merely opened the object (an officer viewing a citizen's file)."""
    return audit_record(actor=actor, action=VIEW_ACTION, object_type=object_type, object_id=object_id, ip=ip)


@transaction.atomic
def audit_checkpoint_create(*, actor: Any = None) -> AuditCheckpoint | None:
    """Sign (seq, hash, time) of the current chain head. None when the chain is empty."""
    from sheba.audit import keys

    private_key, audit_key = keys.signing_key()
    head = _locked_head()  # so the head cannot move between reading and signing
    if head.seq == 0:
        return None
    at = clock.now()
    signature = keys.sign_checkpoint(private_key, seq=head.seq, hash_=head.hash, at=at, key_id=audit_key.key_id)
    return AuditCheckpoint.objects.create(seq=head.seq, hash=head.hash, at=at, key=audit_key, signature=signature)
