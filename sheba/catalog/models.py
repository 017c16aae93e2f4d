"""Services as data (সেবা): taxonomy, the citizen charter (সেবা প্রদান প্রতিশ্রুতি), the application
form as JSON Schema, required documents and the fee schedule per office.

A service's ``version`` goes up by one on every change made through ``sheba.catalog.services``;
applications record the version they were made against.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sheba.core.money import Money
from sheba.directory.models import Office, OfficeType


def _english() -> bool:
    return (get_language() or "bn").startswith("en")


class Bilingual(models.Model):
    name_bn = models.CharField(_("name (Bengali)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_bn


class Sector(Bilingual):
    """খাত: certificate, civil registration, land, licence… (``code`` as in services.csv)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class RecipientType(Bilingual):
    """সেবা গ্রহীতা: citizen, business, government organisation, private organisation, government
    official (and student, which services.csv uses)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("recipient type")
        verbose_name_plural = _("recipient types")


class Service(models.Model):
    """One public service with its citizen charter and application form."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_bn = models.CharField(_("name (Bengali)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_bn = models.TextField(_("description (Bengali)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="services", verbose_name=_("sector")
    )
    recipient_types = models.ManyToManyField(
        RecipientType, related_name="services", verbose_name=_("recipient types")
    )
    office_type = models.ForeignKey(
        OfficeType, on_delete=models.PROTECT, related_name="services", verbose_name=_("provider office type")
    )
    other_office_types = models.ManyToManyField(
        OfficeType,
        blank=True,
        related_name="also_provides",
        verbose_name=_("also provided by office types"),
        help_text=_("e.g. birth registration: Union Parishad, Paurashava and City Corporation."),
    )
    offered_everywhere_of_type = models.BooleanField(
        _("offered by every office of these types"),
        default=True,
        help_text=_("Untick to offer the service only at the offices listed below."),
    )
    offering_offices = models.ManyToManyField(
        Office, blank=True, related_name="offered_services", verbose_name=_("offering offices")
    )

    # Citizen charter: what the citizen learns before applying.
    eligibility_bn = models.TextField(_("eligibility (Bengali)"), blank=True)
    eligibility_en = models.TextField(_("eligibility (English)"), blank=True)
    process_bn = models.TextField(_("process (Bengali)"), blank=True)
    process_en = models.TextField(_("process (English)"), blank=True)
    documents_text_bn = models.TextField(
        _("required documents, as the charter words them (Bengali)"), blank=True
    )
    documents_text_en = models.TextField(
        _("required documents, as the charter words them (English)"), blank=True
    )
    charter_days = models.PositiveSmallIntegerField(
        _("delivery deadline (working days)"),
        null=True,
        blank=True,
        help_text=_("0 means the same day. Empty when no charter states it."),
    )
    default_fee_poisha = models.PositiveIntegerField(
        _("default fee (poisha)"),
        null=True,
        blank=True,
        help_text=_("100 poisha = 1 taka. Empty when the fee is set by a schedule or not stated."),
    )
    fee_note_bn = models.TextField(_("fee note (Bengali)"), blank=True)
    notes = models.TextField(_("notes on the sources"), blank=True)
    source_url = models.URLField(_("source"), max_length=1000, blank=True)
    other_source_urls = models.TextField(_("other sources (one per line)"), blank=True)

    form_schema = models.JSONField(_("application form (JSON Schema)"), default=dict, blank=True)
    workflow_code = models.CharField(_("workflow code"), max_length=60, blank=True)
    output_template_code = models.CharField(
        _("output template code"), max_length=60, blank=True, help_text=_("Empty: no certificate is issued.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Search keys (see sheba.catalog.search): ASCII, phonetically folded, NFC Bengali transliterated.
    # ``search_key``: the names; ``search_context``: sector and office type names (ranked lower).
    search_key = models.TextField(editable=False, blank=True, default="")
    search_context = models.TextField(editable=False, blank=True, default="")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sector__position", "name_bn"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="catalog_service_version_positive"),
            models.CheckConstraint(condition=~Q(slug=""), name="catalog_service_slug_not_empty"),
            models.CheckConstraint(
                condition=~Q(name_bn="") & ~Q(name_en=""), name="catalog_service_names_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_bn

    @property
    def description(self) -> str:
        return (self.description_en or self.description_bn) if _english() else self.description_bn

    @property
    def eligibility(self) -> str:
        return (self.eligibility_en or self.eligibility_bn) if _english() else self.eligibility_bn

    @property
    def process(self) -> str:
        return (self.process_en or self.process_bn) if _english() else self.process_bn

    @property
    def documents_text(self) -> str:
        return (self.documents_text_en or self.documents_text_bn) if _english() else self.documents_text_bn

    @property
    def default_fee(self) -> Money | None:
        return None if self.default_fee_poisha is None else Money(self.default_fee_poisha)

    @property
    def has_form(self) -> bool:
        return bool(self.form_schema.get("properties")) if isinstance(self.form_schema, dict) else False

    def other_sources(self) -> list[str]:
        return [line.strip() for line in self.other_source_urls.split() if line.strip()]


class DocumentType(models.TextChoices):
    NID_COPY = "nid_copy", _("Copy of the national ID card")
    PHOTO = "photo", _("Passport-size photograph")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth registration certificate")
    DEATH_CERTIFICATE = "death_certificate", _("Death registration certificate")
    CITIZENSHIP_CERTIFICATE = "citizenship_certificate", _("Citizenship certificate")
    TRADE_LICENCE = "trade_licence", _("Trade licence")
    TRADE_PREMISES_PROOF = "trade_premises_proof", _("Proof of the trade premises (ownership or rent)")
    HOLDING_TAX_RECEIPT = "holding_tax_receipt", _("Holding tax receipt")
    WARD_MEMBER_RECOMMENDATION = "ward_member_recommendation", _("Recommendation of the ward member")
    COURT_FEE = "court_fee", _("Court fee stamp")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other document")


class RequiredDocument(models.Model):
    """A document the citizen brings or uploads for a service."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(_("document type"), max_length=40, choices=DocumentType.choices)
    label_bn = models.CharField(_("label (Bengali)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    is_optional = models.BooleanField(_("optional"), default=False)
    bring_to_counter = models.BooleanField(
        _("bring to the counter"),
        default=False,
        help_text=_("The original is shown at the office, not uploaded."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["service", "position", "id"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="catalog_document_once_per_service"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_bn


class ServiceFee(models.Model):
    """The fee of a service at one office. The same certificate costs 50, 100 or 300 taka at
    different unions. ``amount_poisha`` is empty when the office charges "per schedule"."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fees")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="service_fees")
    amount_poisha = models.PositiveIntegerField(_("fee (poisha)"), null=True, blank=True)
    online_collection_enabled = models.BooleanField(_("online fee collection on"), default=False)
    charter_days = models.PositiveSmallIntegerField(
        _("deadline at this office (working days)"), null=True, blank=True
    )
    note_bn = models.CharField(_("note (Bengali)"), max_length=300, blank=True)
    source_url = models.URLField(_("source"), max_length=1000, blank=True)

    class Meta:
        ordering = ["service", "office__name_bn"]
        verbose_name = _("fee at an office")
        verbose_name_plural = _("fees at offices")
        constraints = [
            models.UniqueConstraint(fields=["service", "office"], name="catalog_fee_once_per_office"),
            models.CheckConstraint(
                condition=Q(online_collection_enabled=False) | Q(amount_poisha__isnull=False),
                name="catalog_fee_online_needs_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.office}"

    @property
    def amount(self) -> Money | None:
        return None if self.amount_poisha is None else Money(self.amount_poisha)
