"""Locker rows in the admin: read-only facts (no file contents; files are served only by the
authorised views, and every change goes through ``services``)."""

from __future__ import annotations

from django.contrib import admin

from sheba.locker.models import Document, DocumentVersion


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = ["number", "original_name", "content_type", "size", "sha256", "scan_status", "scan_attempts",
              "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["public_id", "kind", "owner", "created_at", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["public_id", "owner__username"]
    readonly_fields = ["public_id", "owner", "kind", "title", "created_at", "updated_at"]
    inlines = [DocumentVersionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["public_id", "document", "number", "content_type", "size", "scan_status", "created_at"]
    list_filter = ["scan_status", "content_type"]
    search_fields = ["public_id", "sha256"]
    readonly_fields = ["public_id", "document", "number", "original_name", "content_type", "size", "sha256",
                       "width", "height", "scan_status", "scan_attempts", "scan_detail", "scanned_at",
                       "created_by", "created_at"]
    exclude = ["storage_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
