"""The catalogue in the admin, for service designers: services with their documents and office
fees, the form schema checked on save, a preview of the form as a citizen sees it, and JSON
export (an action) and import (a page)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sheba.catalog.forms_engine import build_form, schema_problems, text_in
from sheba.catalog.interchange import services_export, services_import
from sheba.catalog.models import RecipientType, RequiredDocument, Sector, Service, ServiceFee
from sheba.catalog.services import service_after_related_change, service_save
from sheba.core.errors import InvalidInput

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_bn", "name_en", "position"]
    search_fields = ["code", "name_bn", "name_en"]


@admin.register(RecipientType)
class RecipientTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_bn", "name_en", "position"]
    search_fields = ["code", "name_bn", "name_en"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ["code", "label_bn", "label_en", "is_optional", "bring_to_counter", "position"]


URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ServiceFeeInline(admin.TabularInline):
    model = ServiceFee
    formfield_overrides = URL_FIELDS
    extra = 0
    autocomplete_fields = ["office"]
    fields = ["office", "amount_poisha", "online_collection_enabled", "charter_days", "note_bn", "source_url"]


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ServiceAdminForm(forms.ModelForm):
    class Meta:
        model = Service
        formfield_callback = _formfield
        fields = [
            "slug", "name_bn", "name_en", "description_bn", "description_en", "is_published", "sector",
            "recipient_types", "office_type", "other_office_types", "offered_everywhere_of_type", "offering_offices",
            "eligibility_bn", "eligibility_en", "process_bn", "process_en", "documents_text_bn", "documents_text_en",
            "charter_days", "default_fee_poisha", "fee_note_bn", "source_url", "other_source_urls", "notes",
            "form_schema", "workflow_code", "output_template_code",
        ]  # fmt: skip
        widgets = {"form_schema": forms.Textarea(attrs={"rows": 24, "cols": 100, "class": "vLargeTextField"})}

    def clean_form_schema(self):
        schema = self.cleaned_data.get("form_schema")
        problems = schema_problems(schema)
        if problems:
            raise forms.ValidationError(problems)
        return schema


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Services file (JSON)"))


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    formfield_overrides = URL_FIELDS
    list_display = [
        "name_bn",
        "name_en",
        "slug",
        "sector",
        "office_type",
        "has_form_column",
        "is_published",
        "version",
    ]
    list_filter = ["is_published", "sector", "office_type"]
    search_fields = ["slug", "name_bn", "name_en"]
    autocomplete_fields = ["offering_offices"]
    filter_horizontal = ["recipient_types", "other_office_types"]
    readonly_fields = ["version", "preview_link"]
    inlines = [RequiredDocumentInline, ServiceFeeInline]
    actions = ["export_selected"]
    fieldsets = [
        (None, {"fields": ["slug", "name_bn", "name_en", "description_bn", "description_en", "is_published", "version"]}),
        (gettext_lazy("Who and where"), {"fields": [
            "sector", "recipient_types", "office_type", "other_office_types", "offered_everywhere_of_type",
            "offering_offices",
        ]}),
        (gettext_lazy("Citizen charter"), {"fields": [
            "eligibility_bn", "eligibility_en", "process_bn", "process_en", "documents_text_bn", "documents_text_en",
            "charter_days", "default_fee_poisha", "fee_note_bn", "source_url", "other_source_urls", "notes",
        ]}),
        (gettext_lazy("Application form, workflow and output"), {"fields": [
            "preview_link", "form_schema", "workflow_code", "output_template_code",
        ]}),
    ]  # fmt: skip

    @admin.display(boolean=True, description=gettext_lazy("online form"))
    def has_form_column(self, obj: Service) -> bool:
        return obj.has_form

    @admin.display(description=gettext_lazy("preview"))
    def preview_link(self, obj: Service) -> str:
        if not obj.pk:
            return _("Save the service first.")
        url = reverse("admin:catalog_service_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Preview the form as a citizen sees it"))

    def save_model(self, request, obj, form, change):
        service_save(actor=request.user, service=obj, is_new=not change, bump=False)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = change and (form.has_changed() or any(formset.has_changed() for formset in formsets))
        service_after_related_change(actor=request.user, service=form.instance, changed=changed)

    @admin.action(description=gettext_lazy("Export the selected services as JSON"))
    def export_selected(self, request, queryset):
        payload = services_export(queryset.select_related("sector", "office_type").order_by("slug"))
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="services.json"'
        return response

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="catalog_service_preview",
            ),
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_service_import"),
        ]
        return extra + super().get_urls()

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The form rendered on the public page layout; posting it checks the answers (nothing is saved)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        service = get_object_or_404(Service, pk=pk)
        problems = schema_problems(service.form_schema)
        form = None
        checked = False
        if not problems:
            if request.method == "POST":
                form = build_form(service.form_schema, data=request.POST)
                checked = form.is_valid()
            else:
                form = build_form(service.form_schema)
        return render(
            request,
            "catalog/preview.html",
            {
                "service": service,
                "form": form,
                "problems": problems,
                "checked": checked,
                "title_text": text_in(service.form_schema, "title") or service.name,
                "change_url": reverse("admin:catalog_service_change", args=[service.pk]),
            },
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        error = ""
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_IMPORT_BYTES:
                    raise InvalidInput(_("The file is larger than 5 MB."))
                try:
                    payload = json.loads(upload.read().decode("utf-8"))
                except (UnicodeDecodeError, ValueError, RecursionError):
                    raise InvalidInput(_("The file is not valid JSON.")) from None
                report = services_import(actor=request.user, payload=payload)
            except InvalidInput as refusal:
                error = str(refusal.message)
            else:
                self.message_user(
                    request,
                    _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                    % {k: len(report[k]) for k in ("created", "updated", "unchanged")},
                    messages.SUCCESS,
                )
                if report["skipped_offices"]:
                    self.message_user(
                        request,
                        _("Offices not found here were skipped: %(names)s")
                        % {"names": "; ".join(report["skipped_offices"][:20])},
                        messages.WARNING,
                    )
                return HttpResponseRedirect(reverse("admin:catalog_service_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "error": error,
            "title": _("Import services"),
        }
        return render(request, "admin/catalog/service/import.html", context)
