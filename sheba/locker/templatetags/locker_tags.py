"""Small display helpers for the locker pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from sheba.core.templatetags.sheba import num

register = template.Library()


@register.filter
def filesize(size: object) -> str:
    """Bytes as the page's language shows them: ১২০ কেবি, ১.৫ এমবি."""
    try:
        value = int(size)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    if value < 1024 * 1024:
        return _("%(size)s KB") % {"size": num(max(1, round(value / 1024)))}
    return _("%(size)s MB") % {"size": num(f"{value / (1024 * 1024):.1f}")}
