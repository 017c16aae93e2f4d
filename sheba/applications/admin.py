"""Applications in the admin: read-only. Every change goes through ``sheba.applications.services``
(the transition table, events, audit, SMS), never through an admin form."""

from __future__ import annotations

from django.contrib import admin

from sheba.applications.models import Application, ApplicationAttachment, ApplicationEvent


class _ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(_ReadOnly, admin.TabularInline):
    model = ApplicationEvent
    fields = ("at", "from_status", "to_status", "office", "actor", "note")
    readonly_fields = fields
    extra = 0


class AttachmentInline(_ReadOnly, admin.TabularInline):
    model = ApplicationAttachment
    fields = ("document_code", "version", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(Application)
class ApplicationAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("tracking_number", "service", "office", "holder_office", "status", "submitted_at", "due_on")
    list_filter = ("status",)
    search_fields = ("tracking_number",)
    list_select_related = ("service", "office", "holder_office")
    readonly_fields = (
        "public_id", "tracking_number", "applicant", "service", "service_version", "office", "holder_office",
        "status", "for_self", "other_name", "other_mobile", "form_data", "created_at", "updated_at",
        "submitted_at", "due_on",
    )  # fmt: skip
    exclude = ("submission_token",)
    inlines = [EventInline, AttachmentInline]
    show_full_result_count = False
