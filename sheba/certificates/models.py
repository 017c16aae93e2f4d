"""Signing keys of signing posts and the certificates they signed.

A private key is stored only encrypted under the key-encryption key (``sheba.certificates.kek``);
the public key and its key id (``kid``) are published for offline verification.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired (still verifies old certificates)")


class SigningKey(models.Model):
    """An Ed25519 key of one signing post. At most one key per post is active at a time."""

    post = models.ForeignKey("directory.Post", on_delete=models.PROTECT, related_name="signing_keys")
    kid = models.BinaryField(_("key id"), max_length=8, unique=True)
    public_key = models.BinaryField(_("public key"), max_length=32)
    # AES-256-GCM under the key-encryption key; see sheba.certificates.kek. Never the raw key.
    private_key_encrypted = models.BinaryField(max_length=128, editable=False)
    status = models.CharField(max_length=10, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["post", "-created_at"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(status="active"), name="one_active_signing_key_per_post"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid_hex} ({self.status})"

    @property
    def kid_hex(self) -> str:
        return bytes(self.kid).hex()


class CertificateTemplate(models.Model):
    """The wording of one kind of certificate (সনদের নমুনা), edited by designers in the admin.

    ``code`` matches ``catalog.Service.output_template_code``. The bodies use a small, safe
    placeholder language (see ``sheba.certificates.rendering``): ``{{ holder_name }}``,
    ``{% for heir in heirs %}…{% endfor %}`` and ``{% if %}`` over whitelisted data only; no code runs.
    The frame of the page (office, serial, dates, signature, QR) is the same for every template.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True,
                            help_text=_("The output template code of the services that issue it."))
    name_bn = models.CharField(_("name (Bengali)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    body_bn = models.TextField(_("text (Bengali)"))
    body_en = models.TextField(
        _("text (English)"), blank=True, help_text=_("Empty: the office issues this certificate in Bengali only.")
    )
    valid_to_fiscal_year_end = models.BooleanField(
        _("valid until the end of the fiscal year (30 June)"), default=False
    )
    sample_data = models.JSONField(
        _("sample answers for the preview"), default=dict, blank=True,
        help_text=_("Answers like an application's form, used only to preview the template."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "bn").startswith("en") else self.name_bn

    @property
    def has_english(self) -> bool:
        return bool(self.body_en.strip())


class SerialCounter(models.Model):
    """The last serial number used by one office in one year (locked while a certificate is issued)."""

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="one_serial_counter_per_office_year")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class Certificate(models.Model):
    """One issued certificate (সনদ). ``payload`` is the signed QR text it carries."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="certificates")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    type_code = models.SlugField(_("certificate type"), max_length=60)
    type_name_bn = models.CharField(max_length=200)
    type_name_en = models.CharField(max_length=200)
    holder_name_bn = models.CharField(_("holder's name (Bengali)"), max_length=200)
    holder_name_en = models.CharField(_("holder's name (English)"), max_length=200, blank=True)
    # Last four digits of the holder's NID or birth registration number at most; never the full number.
    holder_id_last4 = models.CharField(max_length=4, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    signer_post = models.ForeignKey("directory.Post", on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="certificates")
    payload = models.TextField(editable=False)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the document says, fixed at issue: the template's text with the holder's data filled in
    # (so a later edit of the template never changes an issued certificate).
    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    template_version = models.PositiveIntegerField(null=True, blank=True)
    body_bn = models.TextField(blank=True, editable=False)
    body_en = models.TextField(blank=True, editable=False)
    # The rendered PDFs, relative to MEDIA_ROOT (generated names); empty until rendered.
    pdf_bn = models.CharField(max_length=100, blank=True, editable=False)
    pdf_en = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [("revoke_certificate", _("Can revoke certificates of any office"))]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "number"], name="unique_certificate_number"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(application__isnull=False),
                name="one_certificate_per_application",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def kid(self) -> bytes:
        return bytes(self.signing_key.kid)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def type_name(self) -> str:
        return self.type_name_en if (get_language() or "bn").startswith("en") else self.type_name_bn

    @property
    def has_english(self) -> bool:
        return bool(self.body_en)

    @property
    def holder_name(self) -> str:
        english = (get_language() or "bn").startswith("en")
        return self.holder_name_en if english and self.holder_name_en else self.holder_name_bn
