"""Applications (আবেদন): a citizen's request for one service at one office, its tracking number,
its status history and the locker files it carries.

An application starts as a draft (no tracking number); ``application_submit`` gives it a
tracking number, a charter deadline and the office that holds it. Every status change goes
through ``sheba.applications.services.application_transition`` (one transition table, one
event row each).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("Being reviewed")
    SENT_BACK = "sent_back", _("Sent back to the applicant")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DELIVERED = "delivered", _("Delivered")


# The only moves an application's status can make. The workflow work adds officer actions on
# top of these; it never writes ``status`` directly.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.IN_REVIEW, Status.SENT_BACK, Status.APPROVED, Status.REJECTED}),
    Status.IN_REVIEW: frozenset({Status.SENT_BACK, Status.APPROVED, Status.REJECTED}),
    Status.SENT_BACK: frozenset({Status.SUBMITTED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.DELIVERED}),
    Status.REJECTED: frozenset(),
    Status.DELIVERED: frozenset(),
}


class Application(models.Model):
    """One application file (নথি) of a citizen."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Canonical form (sheba.core.tracking); empty until submitted.
    tracking_number = models.CharField(_("tracking number"), max_length=11, unique=True, null=True, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="applications", verbose_name=_("service")
    )
    service_version = models.PositiveIntegerField(_("service version"))
    office = models.ForeignKey(
        "directory.Office", on_delete=models.PROTECT, related_name="applications", verbose_name=_("office")
    )
    holder_office = models.ForeignKey(
        "directory.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_applications",
        verbose_name=_("office holding it now"),
    )
    for_self = models.BooleanField(_("for the applicant themself"), default=True)
    other_name = models.CharField(_("name of the other person"), max_length=100, blank=True)
    other_mobile = models.CharField(_("mobile of the other person"), max_length=16, blank=True)  # E.164
    form_data = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submission_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(_("expected completion"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="applications_status_known"),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT)
                | (Q(tracking_number__isnull=False) & Q(submitted_at__isnull=False) & Q(holder_office__isnull=False)),
                name="applications_submitted_has_tracking",
            ),
            models.CheckConstraint(
                condition=Q(tracking_number__isnull=True) | Q(tracking_number__regex=r"^[0-9A-HJKMNP-TV-Z]{11}$"),
                name="applications_tracking_canonical",
            ),
            models.CheckConstraint(
                condition=Q(for_self=True, other_name="", other_mobile="")
                | Q(status=Status.DRAFT, for_self=False)
                | (Q(for_self=False) & ~Q(other_name="") & Q(other_mobile__regex=r"^\+8801[3-9][0-9]{8}$")),
                name="applications_other_person_complete",
            ),
            models.CheckConstraint(condition=~Q(submission_token=""), name="applications_token_not_empty"),
            models.CheckConstraint(condition=Q(service_version__gte=1), name="applications_version_positive"),
        ]
        indexes = [
            models.Index(fields=["applicant", "status", "-created_at"], name="applications_mine_idx"),
            models.Index(fields=["holder_office", "status"], name="applications_holder_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_display or str(self.public_id)

    @property
    def tracking_display(self) -> str:
        from sheba.core.tracking import display

        return display(self.tracking_number) if self.tracking_number else ""

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class ApplicationEvent(models.Model):
    """One step in an application's history (append-only: rows are only ever inserted)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["application", "at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=Status.values) & Q(to_status__in=Status.values),
                name="applications_event_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} -> {self.to_status}"


class ApplicationAttachment(models.Model):
    """A locker file (one exact version) an application carries, for one required document type."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    version = models.ForeignKey(
        "locker.DocumentVersion", on_delete=models.PROTECT, related_name="attachments", verbose_name=_("file")
    )
    document_code = models.CharField(_("document type"), max_length=40)  # catalog.DocumentType value
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="applications_attach_version_once"),
            models.CheckConstraint(condition=~Q(document_code=""), name="applications_attach_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.document_code}"
