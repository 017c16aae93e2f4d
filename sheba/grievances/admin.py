"""Complaints in the admin: read-only. Every change goes through ``sheba.grievances.services``
(the transition table, events, audit, notifications), never through an admin form."""

from __future__ import annotations

from django.contrib import admin

from sheba.grievances.models import Complaint, ComplaintEvent


class _ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(_ReadOnly, admin.TabularInline):
    model = ComplaintEvent
    fields = ("at", "kind", "from_status", "to_status", "actor_name", "post_name_en", "office", "text")
    readonly_fields = fields
    extra = 0


@admin.register(Complaint)
class ComplaintAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("number", "reason", "subject_office", "handling_office", "status", "created_at", "due_on")
    list_filter = ("status", "reason")
    search_fields = ("number",)
    list_select_related = ("subject_office", "handling_office")
    readonly_fields = (
        "public_id", "number", "complainant", "application", "subject_office", "handling_office", "appeal_office",
        "reason", "text", "status", "created_at", "updated_at", "due_on", "decided_at", "decided_by", "reply",
        "appeal_text", "appealed_at", "appeal_due_on", "appeal_decided_at", "appeal_decided_by", "appeal_reply",
        "appeal_outcome",
    )  # fmt: skip
    exclude = ("submission_token",)
    inlines = [EventInline]
    show_full_result_count = False
