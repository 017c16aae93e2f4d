"""Complaints (অভিযোগ) in the GRS shape: a citizen complains about one application file or about an
office in general; the grievance officer of the supervising office investigates and answers within
30 working days; the citizen may appeal once, one level up.

Every status change goes through ``sheba.grievances.services`` (one transition table, one event
row and one audit row each).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sheba.grievances.enums import OPEN, AppealOutcome, ComplaintReason, ComplaintStatus, EventKind


class Complaint(models.Model):
    """One complaint and, when it comes, its appeal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Canonical form (sheba.grievances.numbers): 12 characters, shown as GR-XXXX-XXXX-XXXX.
    number = models.CharField(_("complaint number"), max_length=12, unique=True)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("complainant")
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("application"),
    )
    subject_office = models.ForeignKey(
        "directory.Office", on_delete=models.PROTECT, related_name="complaints_about",
        verbose_name=_("office complained about"),
    )
    handling_office = models.ForeignKey(
        "directory.Office", on_delete=models.PROTECT, related_name="complaints_handled",
        verbose_name=_("office that handles it"),
    )
    appeal_office = models.ForeignKey(
        "directory.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals_handled",
        verbose_name=_("office that hears the appeal"),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=ComplaintReason.choices)
    text = models.TextField(_("complaint"))
    status = models.CharField(_("status"), max_length=16, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.SUBMITTED)
    submission_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    due_on = models.DateField(_("answer due on"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply = models.TextField(_("reply"), blank=True)
    appeal_text = models.TextField(_("appeal"), blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_due_on = models.DateField(_("appeal answer due on"), null=True, blank=True)
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appeal_reply = models.TextField(_("reply to the appeal"), blank=True)
    appeal_outcome = models.CharField(_("appeal outcome"), max_length=10, choices=AppealOutcome.choices, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ComplaintStatus.values), name="grievances_status_known"),
            models.CheckConstraint(condition=Q(reason__in=ComplaintReason.values), name="grievances_reason_known"),
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9A-HJKMNP-TV-Z]{12}$"),
                                   name="grievances_number_canonical"),
            models.CheckConstraint(condition=~Q(submission_token=""), name="grievances_token_not_empty"),
            models.CheckConstraint(condition=~Q(text=""), name="grievances_text_not_empty"),
            # One open complaint per application at a time (a second one joins the first).
            models.UniqueConstraint(fields=["application"], condition=Q(status__in=sorted(OPEN)),
                                    name="grievances_one_open_per_application"),
        ]
        indexes = [
            models.Index(fields=["handling_office", "status", "due_on"], name="grievances_desk_idx"),
            models.Index(fields=["appeal_office", "status", "appeal_due_on"], name="grievances_appeal_idx"),
            models.Index(fields=["complainant", "-created_at"], name="grievances_mine_idx"),
        ]

    def __str__(self) -> str:
        return self.number_display

    @property
    def number_display(self) -> str:
        from sheba.grievances.numbers import display

        return display(self.number)

    @property
    def is_appeal_stage(self) -> bool:
        return self.status in {ComplaintStatus.APPEALED, ComplaintStatus.APPEAL_REVIEW, ComplaintStatus.APPEAL_DECIDED}

    @property
    def current_office(self):
        return self.appeal_office if self.is_appeal_stage and self.appeal_office_id else self.handling_office

    @property
    def current_due_on(self):
        return self.appeal_due_on if self.is_appeal_stage else self.due_on


class ComplaintEvent(models.Model):
    """One step in a complaint's history (append-only). ``kind`` "note": an officer's
    investigation note, for the offices only; the citizen sees status changes and replies."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(max_length=200, blank=True)
    post_name_bn = models.CharField(max_length=200, blank=True)
    post_name_en = models.CharField(max_length=200, blank=True)
    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=8, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ComplaintStatus.choices)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["complaint", "at", "pk"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="grievances_event_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.kind} {self.to_status}"

    @property
    def post_name(self) -> str:
        english = (get_language() or "bn").startswith("en")
        return (self.post_name_en or self.post_name_bn) if english else self.post_name_bn

    @property
    def is_note(self) -> bool:
        return self.kind == EventKind.NOTE
