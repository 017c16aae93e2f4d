"""The identity check of an application (এনআইডি যাচাই): the answer the national register gave for
the NID/birth-registration number, name, date of birth and parents' names the form carries.

One row per application whose form carries an identity block. ``pending`` means the register has
not answered yet (a background task asks again with backoff); officers can do nothing but send
the file back until the row is ``passed`` for the answers the file holds now (``fingerprint``).
The row never holds the number in clear: only its last four digits and a keyed fingerprint.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the identity register")
    PASSED = "passed", _("Identity verified")
    MISMATCH = "mismatch", _("Identity does not match")
    ERROR = "error", _("Identity check failed")


class IdentityCheck(models.Model):
    """The register's answer for one application's identity details."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="identity_check",
        verbose_name=_("application"),
    )
    status = models.CharField(_("status"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    kind = models.CharField(_("kind"), max_length=3, blank=True)  # "nid" | "brn" once answered
    number_last4 = models.CharField(_("number (last 4 digits)"), max_length=4, blank=True)
    fingerprint = models.CharField(max_length=64)  # keyed hash of the details that were checked
    mismatched = models.JSONField(_("fields that differ"), default=list, blank=True)  # protocol.FIELDS names
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    reference = models.CharField(_("register reference"), max_length=64, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    checked_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CheckStatus.values), name="identity_check_status_known"),
            models.CheckConstraint(
                condition=~Q(status="passed") | Q(checked_at__isnull=False), name="identity_check_passed_answered"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="identity_check_due_idx")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status}"

    @property
    def is_passed(self) -> bool:
        return self.status == CheckStatus.PASSED


class RecoveryAttempt(models.Model):
    """One identity answer given on the forgotten-MPIN page (for the rate limit and the audit)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("MPIN recovery identity attempt")
        verbose_name_plural = _("MPIN recovery identity attempts")
        indexes = [models.Index(fields=["user", "at"], name="identity_recovery_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'failed'}"
