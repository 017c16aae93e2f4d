"""Catalogue template filters: fees and charter deadlines in the page's language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from sheba.core.bengali import to_bn_digits
from sheba.core.money import Money

register = template.Library()


def _bn() -> bool:
    return (get_language() or "bn").startswith("bn")


@register.filter
def fee(value: Money | None) -> str:
    """৳ ১০০ / Tk 100; "Free" for zero; "Not fixed (see the notes)" when unknown."""
    if value is None:
        return _("Not fixed (see the notes)")
    if value.is_zero:
        return _("Free")
    return value.format("bn" if _bn() else "en")


@register.filter
def working_days(value: int | None) -> str:
    """৩ কার্যদিবস / 3 working days; "The same day" for 0; "Not stated" when unknown."""
    if value is None:
        return _("Not stated")
    if value == 0:
        return _("The same day")
    text = ngettext("%(count)s working day", "%(count)s working days", value) % {"count": value}
    return to_bn_digits(text) if _bn() else text
