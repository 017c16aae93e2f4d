"""Geography (real data from bd-geo) and offices in the Doptor shape.

office (দপ্তর) > unit (শাখা) > post (পদবি); people hold posts over dated terms (PostTerm),
including acting-in-charge (ভারপ্রাপ্ত).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    name_bn = models.CharField(_("name (Bengali)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "bn").startswith("en") else self.name_bn


class Division(BilingualName):
    """বিভাগ. Ids are the bd-geo ids."""

    id = models.PositiveIntegerField(primary_key=True)
    website = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")


class District(BilingualName):
    """জেলা."""

    id = models.PositiveIntegerField(primary_key=True)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="districts")
    website = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    longitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Upazila(BilingualName):
    """উপজেলা."""

    id = models.PositiveIntegerField(primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="upazilas")
    website = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("upazila")
        verbose_name_plural = _("upazilas")


class Union(BilingualName):
    """ইউনিয়ন. ``slug`` comes from the official website host (paikkandiup.gopalganj.gov.bd ->
    paikkandiup) and names the union's own portal host later. A row that the source lists twice
    points at the row it repeats through ``duplicate_of``."""

    id = models.PositiveIntegerField(primary_key=True)
    upazila = models.ForeignKey(Upazila, on_delete=models.PROTECT, related_name="unions")
    website = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=100, blank=True, db_index=True)
    # The union's own portal (<portal_slug>.<base domain> and /up/<portal_slug>/): ``slug`` where no
    # other union's website starts the same way, else ``slug-<district label of the host>``
    # (rasulpurup-noakhali). Empty for duplicate listings and unions without a website host.
    portal_slug = models.SlugField(max_length=120, null=True, blank=True, unique=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("union")
        verbose_name_plural = _("unions")


class OfficeLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    DIVISION = "division", _("Division")
    DISTRICT = "district", _("District")
    UPAZILA = "upazila", _("Upazila")
    UNION = "union", _("Union")


class OfficeType(BilingualName):
    """A kind of office: Union Parishad, Upazila Nirbahi Office, Deputy Commissioner's Office…"""

    code = models.SlugField(max_length=60, unique=True)
    level = models.CharField(max_length=20, choices=OfficeLevel.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("office type")
        verbose_name_plural = _("office types")


class Office(BilingualName):
    """দপ্তর: one office, tied to the geographic unit it serves, under a parent office."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office_type = models.ForeignKey(OfficeType, on_delete=models.PROTECT, related_name="offices")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, null=True, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True)
    upazila = models.ForeignKey(Upazila, on_delete=models.PROTECT, null=True, blank=True)
    union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.UniqueConstraint(
                fields=["office_type", "union"], condition=Q(union__isnull=False), name="one_office_type_per_union"
            ),
        ]


class OfficeUnit(BilingualName):
    """শাখা: a branch or section of an office."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["office", "name_en"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")


class Post(BilingualName):
    """পদবি: a position in a unit. ``code`` is what workflows route to (e.g. ``up_secretary``).
    ``supervisor`` is the post that overdue work escalates to."""

    unit = models.ForeignKey(OfficeUnit, on_delete=models.CASCADE, related_name="posts")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="posts")
    code = models.SlugField(max_length=60)
    supervisor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_office_head = models.BooleanField(default=False)

    class Meta:
        ordering = ["office", "name_en"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="unique_post_code_per_office")]


class PostTerm(models.Model):
    """A person holds a post from ``starts_on`` to ``ends_on`` (open-ended when empty).
    ``is_acting`` marks acting-in-charge (ভারপ্রাপ্ত), e.g. while the holder is on leave."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="terms")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="post_terms")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_acting = models.BooleanField(_("acting-in-charge"), default=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("term in post")
        verbose_name_plural = _("terms in posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.post}"
