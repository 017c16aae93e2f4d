"""Append-only, hash-chained record of who did what, with signed checkpoints.

Every row carries ``seq`` (1, 2, 3 … with no gaps), ``prev_hash`` (the previous row's ``hash``,
or 64 zeros for the first) and ``hash`` = SHA-256 over a canonical, versioned serialisation of
the row (see ``sheba.audit.chain``). The database refuses UPDATE, DELETE and TRUNCATE on the
table (triggers in migration 0004). ``AuditChainHead`` is the single row that writers lock to
append; ``AuditCheckpoint`` rows sign (seq, hash, time) of the head with an Ed25519 key whose
public half is kept in ``AuditKey`` so old checkpoints verify after rotation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    # prev_hash is unique too: two rows claiming the same predecessor would be a fork.
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The one row (id=1) writers lock with SELECT … FOR UPDATE to append to the chain."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditKey(models.Model):
    """A published Ed25519 public key (raw 32 bytes, base64). Never deleted, so old checkpoints verify."""

    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit signing key")
        verbose_name_plural = _("audit signing keys")

    def __str__(self) -> str:
        return self.key_id


class AuditCheckpoint(models.Model):
    """A signature over (seq, hash, time) of the chain head at ``at``."""

    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    key = models.ForeignKey(AuditKey, on_delete=models.PROTECT, related_name="checkpoints")
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["seq", "pk"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"
