"""Operators see identity checks here (read-only: only the register's answers change them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sheba.identity.models import IdentityCheck


@admin.register(IdentityCheck)
class IdentityCheckAdmin(admin.ModelAdmin):
    list_display = ("application", "status", "number_last4", "attempts", "next_attempt_at", "checked_at")
    list_filter = ("status",)
    readonly_fields = ("application", "status", "kind", "number_last4", "mismatched", "attempts", "last_error",
                       "reference", "next_attempt_at", "created_at", "updated_at", "checked_at")
    exclude = ("fingerprint",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
