"""Give rows written before the chain existed their seq/prev_hash/hash, in (at, id) order."""

from django.db import migrations

GENESIS = "0" * 64


def backfill(apps, schema_editor):
    from sheba.audit.chain import normalise_ip, row_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    prev, seq = GENESIS, 0
    for event in AuditEvent.objects.order_by("at", "id").iterator(chunk_size=2000):
        seq += 1
        event.seq, event.prev_hash, event.version = seq, prev, 1
        event.ip_address = normalise_ip(event.ip_address)
        event.hash = row_hash(
            seq=seq, at=event.at, actor_id=event.actor_id, action=event.action, object_type=event.object_type,
            object_id=event.object_id, data=event.data, ip=event.ip_address, request_id=event.request_id,
            prev_hash=prev,
        )
        event.save(update_fields=["seq", "prev_hash", "hash", "version", "ip_address"])
        prev = event.hash
    AuditChainHead.objects.update_or_create(id=1, defaults={"seq": seq, "hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_chain_fields"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
