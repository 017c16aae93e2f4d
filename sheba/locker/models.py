"""The citizen's document locker: documents (NID copy, photo, …) kept as a chain of versions.

A new upload of the same kind adds a version; old versions stay, because an application refers
to the exact version it was submitted with. Files live under ``settings.MEDIA_ROOT`` (outside
the web root) under generated names and are served only by an authorised view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    NID_COPY = "nid_copy", _("NID copy")
    PHOTO = "photo", _("Photograph")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    TRADE_PREMISES_PROOF = "trade_premises_proof", _("Proof of trade premises")
    OTHER = "other", _("Other document")


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the virus check")
    CLEAN = "clean", _("Checked")
    INFECTED = "infected", _("Virus found: not usable")
    ERROR = "error", _("Virus check failed: please upload again")


class Document(models.Model):
    """One document of a citizen (দলিল). Each kind except "other" is kept once per owner."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind"], condition=~Q(kind="other"), name="locker_one_document_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in DocumentKind]), name="locker_document_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.get_kind_display())


class DocumentVersion(models.Model):
    """One uploaded file of a document. Usable (attachable, downloadable) only once scanned clean."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Relative to MEDIA_ROOT; generated, never derived from what the uploader called the file.
    storage_name = models.CharField(max_length=100, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)  # display text only
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    scan_status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    scan_attempts = models.PositiveSmallIntegerField(default=0)
    scan_detail = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="locker_version_number_unique"),
            models.CheckConstraint(
                condition=Q(scan_status__in=[choice.value for choice in ScanStatus]), name="locker_scan_status_known"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="locker_version_number_positive"),
        ]
        indexes = [models.Index(fields=["scan_status"], name="locker_version_scan_idx")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def is_usable(self) -> bool:
        """Only a version the scanner passed may be attached to an application or downloaded."""
        return self.scan_status == ScanStatus.CLEAN

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/jpeg", "image/png"}


class IssuedDocument(models.Model):
    """A document an office issued to the citizen (প্রদত্ত দলিল), put in the locker automatically.

    Not an upload: nobody scans it and the citizen cannot replace or delete it. The file is the
    issuing app's (a certificate's PDF, served by that app after its own access check).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="issued_documents")
    certificate = models.OneToOneField(
        "certificates.Certificate", on_delete=models.PROTECT, related_name="locker_entry"
    )
    title_bn = models.CharField(_("title (Bengali)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    issuer_bn = models.CharField(_("issued by (Bengali)"), max_length=200)
    issuer_en = models.CharField(_("issued by (English)"), max_length=200)
    reference = models.CharField(_("reference number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_on", "-created_at"]
        indexes = [models.Index(fields=["owner", "-issued_on"], name="locker_issued_owner_idx")]

    def __str__(self) -> str:
        return f"{self.title_bn} ({self.reference})"

    @property
    def title(self) -> str:
        from django.utils.translation import get_language

        return self.title_en if (get_language() or "bn").startswith("en") else self.title_bn

    @property
    def issuer(self) -> str:
        from django.utils.translation import get_language

        return self.issuer_en if (get_language() or "bn").startswith("en") else self.issuer_bn
