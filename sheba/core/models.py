"""Core tables: the holiday calendar the working-day clock reads (see ``sheba.core.workdays``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    """সরকারি ছুটি: a public holiday (besides the weekly Friday and Saturday), kept by an admin.

    Charter deadlines and SLA clocks skip these days. Holidays that move with the moon (Eid) are
    entered each year as the government announces them.
    """

    date = models.DateField(_("date"), unique=True)
    name_bn = models.CharField(_("name (Bengali)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.CheckConstraint(condition=~Q(name_bn=""), name="core_holiday_name_not_empty")]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    @property
    def name(self) -> str:
        english = (get_language() or "bn").startswith("en")
        return (self.name_en or self.name_bn) if english else self.name_bn
