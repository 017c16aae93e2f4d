"""Certificates in the admin: designers edit templates (with a sample PDF preview); keys and issued
certificates are read-only facts (keys are made and rotated by ``certificates_keygen``; revocation
is on the certificate's page, with a reason)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from sheba.certificates import rendering, services
from sheba.certificates.models import Certificate, CertificateTemplate, SigningKey
from sheba.core.errors import DomainError


class CertificateTemplateForm(forms.ModelForm):
    class Meta:
        model = CertificateTemplate
        fields = ["code", "name_bn", "name_en", "body_bn", "body_en", "valid_to_fiscal_year_end", "sample_data",
                  "is_active"]
        widgets = {"body_bn": forms.Textarea(attrs={"rows": 14, "cols": 100}),
                   "body_en": forms.Textarea(attrs={"rows": 14, "cols": 100})}

    def clean(self):
        data = super().clean()
        for field in ("body_bn", "body_en"):
            if data.get(field):
                for problem in rendering.template_problems(data[field]):
                    self.add_error(field, problem)
        if not (data.get("body_bn") or "").strip() and "body_bn" not in self.errors:
            self.add_error("body_bn", _("The Bengali text is required."))
        if not isinstance(data.get("sample_data", {}), dict):
            self.add_error("sample_data", _("The sample answers must be an object, like an application's form data."))
        return data


def _placeholder_help() -> str:
    items = format_html_join("", "<li><code>{}</code>: {}</li>",
                             (("{{ " + name + " }}", label) for name, label in rendering.PLACEHOLDERS.items()))
    return format_html("{}<ul>{}</ul><p>{}</p>", _("Placeholders you can use (anything else is refused):"), items,
                       _("Tags: {% if … %}…{% endif %}, {% for heir in heirs %}…{% endfor %}. "
                         "Filters: default, linebreaksbr, upper, length, first, last, yesno."))


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    form = CertificateTemplateForm
    list_display = ["code", "name_bn", "name_en", "is_active", "version", "updated_at", "preview_links"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_bn", "name_en"]
    readonly_fields = ["version", "updated_at", "updated_by", "placeholders", "preview_links"]

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj):
        return _placeholder_help()

    @admin.display(description=_("preview"))
    def preview_links(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:certificates_certificatetemplate_preview", args=[obj.pk])
        if obj.has_english:
            return format_html('<a href="{}">{}</a> · <a href="{}?lang=en">{}</a>', url, _("Sample PDF (Bengali)"), url,
                               _("Sample PDF (English)"))
        return format_html('<a href="{}">{}</a>', url, _("Sample PDF (Bengali)"))

    def get_urls(self):
        extra = [path("<int:pk>/preview/", self.admin_site.admin_view(self.preview),
                      name="certificates_certificatetemplate_preview")]
        return extra + super().get_urls()

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404()
        template = get_object_or_404(CertificateTemplate, pk=pk)
        try:
            pdf = services.template_preview_pdf(template=template, language=request.GET.get("lang", "bn"))
        except DomainError as refused:
            messages.error(request, str(refused.message))
            return HttpResponse(str(refused.message), status=400, content_type="text/plain; charset=utf-8")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="sample-{template.code}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS if name in form.cleaned_data}
        if not change:
            obj.code = form.cleaned_data["code"]
        services.template_save(actor=request.user, template=obj, fields=fields)

    def has_delete_permission(self, request, obj=None):
        return False  # issued certificates refer to their template; switch it off instead


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["kid_hex", "post", "status", "created_at", "retired_at"]
    list_filter = ["status"]
    readonly_fields = ["kid_hex", "post", "status", "created_at", "retired_at", "created_by"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "type_name_bn", "office", "issued_on", "revoked_at", "page_link"]
    list_filter = ["type_code"]
    search_fields = ["serial"]
    fields = ["serial", "type_code", "type_name_bn", "office", "issued_on", "valid_until", "signer_post",
              "signer_name", "issued_at", "revoked_at", "revocation_reason", "page_link"]
    readonly_fields = fields

    @admin.display(description=_("page"))
    def page_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("certificates:detail", args=[obj.public_id]),
                           _("Open (download, revoke)"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in {"GET", "HEAD"} and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
