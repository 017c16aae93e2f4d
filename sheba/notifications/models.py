"""Notification templates and the transactional outbox.

A ``Message`` row is written in the same transaction as the change that causes it; the worker
gets only its id, sends it from ``created`` under a lock and records what the gateway said.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageStatus(models.TextChoices):
    CREATED = "created", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("accepted by the gateway")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired before it could be sent")


FINAL_STATUSES = {MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.EXPIRED}


class NotificationTemplate(models.Model):
    """The words of one event on one channel in one language. Django template syntax."""

    event = models.SlugField(max_length=60)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "language"], name="one_template_per_event_channel_language")
        ]
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")

    def __str__(self) -> str:
        return f"{self.event} / {self.channel} / {self.language}"


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    event = models.SlugField(max_length=60)
    language = models.CharField(max_length=5)
    recipient = models.CharField(max_length=254)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.CREATED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    gateway = models.CharField(max_length=20, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    encoding = models.CharField(max_length=5, blank=True)  # gsm7 or ucs2, for SMS
    segments = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)  # OTP messages: stop retrying after this
    created_at = models.DateTimeField(db_index=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            # The sweeper blanks expired secrets (OTP, links) by this; most rows have no expiry.
            models.Index(fields=["expires_at"], condition=models.Q(expires_at__isnull=False), name="message_expires_at_idx"),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.channel} {self.event} → {self.recipient}"


class DeliveryReceipt(models.Model):
    """What a gateway later reported about a message (delivery receipt / DLR)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    status = models.CharField(max_length=30)
    received_at = models.DateTimeField()
    raw = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"


class GatewayState(models.Model):
    """Circuit breaker per SMS gateway: after repeated failures the fallback takes over for a while."""

    name = models.CharField(max_length=20, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
