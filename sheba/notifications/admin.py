"""Templates are edited here (with a live preview and the SMS segment count); messages are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.template import TemplateSyntaxError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from sheba.notifications.models import Channel, DeliveryReceipt, GatewayState, Message, NotificationTemplate
from sheba.notifications.services import render_text
from sheba.notifications.sms import measure

# Example values for the preview, one set per event (the callers' context contracts).
SAMPLE_CONTEXT: dict[str, dict[str, Any]] = {
    "otp": {"code": "123456", "purpose_label": "", "minutes": 5},
    "account_exists": {"login_url": "https://sheba.example/accounts/login/"},
    "generated_pin": {"pin": "482913"},
    "mpin_changed": {},
    "mobile_changed_old": {"new_mobile_masked": "017**-***678"},
    "email_verify": {"link": "https://sheba.example/accounts/email/confirm/abc123/", "name": "রহিমা খাতুন"},
    "welcome": {"name": "রহিমা খাতুন"},
}
PURPOSE_SAMPLE = {"bn": "নিবন্ধন", "en": "registration"}


def sample_context(event: str, language: str) -> dict[str, Any]:
    context = dict(SAMPLE_CONTEXT.get(event, {}))
    if event == "otp":
        context["purpose_label"] = PURPOSE_SAMPLE.get(language, PURPOSE_SAMPLE["bn"])
    return context


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["event", "channel", "language", "subject", "body"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field in ("subject", "body"):
            text = data.get(field) or ""
            try:
                render_text(subject="", body=text, language=data.get("language") or "bn",
                            context=sample_context(data.get("event") or "", data.get("language") or "bn"))
            except TemplateSyntaxError as exc:
                self.add_error(field, _("This template has an error: %(error)s") % {"error": exc})
        if data.get("channel") == Channel.EMAIL and not (data.get("subject") or "").strip():
            self.add_error("subject", _("An e-mail needs a subject."))
        return data


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ["event", "channel", "language", "preview_length", "updated_at"]
    list_filter = ["channel", "language", "event"]
    search_fields = ["event", "subject", "body"]
    readonly_fields = ["preview", "updated_at"]
    fields = ["event", "channel", "language", "subject", "body", "preview", "updated_at"]

    def _render(self, obj: NotificationTemplate) -> tuple[str, str]:
        return render_text(subject=obj.subject if obj.channel == Channel.EMAIL else "", body=obj.body,
                           language=obj.language, context=sample_context(obj.event, obj.language))

    @admin.display(description=_("Length"))
    def preview_length(self, obj: NotificationTemplate) -> str:
        if obj.channel != Channel.SMS:
            return "—"
        try:
            length = measure(self._render(obj)[1])
        except TemplateSyntaxError:
            return "!"
        return _("%(segments)s segment(s), %(encoding)s") % {"segments": length.segments, "encoding": length.encoding}

    @admin.display(description=_("Preview with example values"))
    def preview(self, obj: NotificationTemplate | None) -> str:
        if obj is None or not obj.pk:
            return _("Save to see a preview.")
        try:
            subject, body = self._render(obj)
        except TemplateSyntaxError as exc:
            return format_html("<strong>{}</strong>", exc)
        parts = []
        if subject:
            parts.append(format_html("<p><strong>{}</strong> {}</p>", _("Subject:"), subject))
        lines = format_html_join("", "{}<br>", ((line,) for line in body.splitlines()))
        parts.append(format_html('<p lang="{}">{}</p>', obj.language, lines))
        if obj.channel == Channel.SMS:
            length = measure(body)
            parts.append(format_html(
                "<p>{}</p>",
                _("%(characters)s characters, %(encoding)s: %(segments)s SMS segment(s).")
                % {"characters": length.units, "encoding": length.encoding, "segments": length.segments},
            ))
        return format_html_join("", "{}", ((p,) for p in parts))


class DeliveryReceiptInline(admin.TabularInline):
    model = DeliveryReceipt
    extra = 0
    can_delete = False
    readonly_fields = ["status", "received_at", "raw"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages change only through the worker and receipts."""

    list_display = ["created_at", "channel", "recipient", "event", "status", "attempts", "segments", "gateway"]
    list_filter = ["status", "channel", "event", "gateway"]
    search_fields = ["recipient", "=id", "provider_reference"]
    date_hierarchy = "created_at"
    inlines = [DeliveryReceiptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GatewayState)
class GatewayStateAdmin(admin.ModelAdmin):
    list_display = ["name", "consecutive_failures", "open_until"]
    readonly_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
