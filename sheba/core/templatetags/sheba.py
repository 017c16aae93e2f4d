"""Template filters for Bengali pages: digits, both calendars, phone display."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from sheba.core import bengali
from sheba.core.phone import display_bd_mobile

register = template.Library()


def _lang() -> str:
    return "bn" if (get_language() or "bn").startswith("bn") else "en"


@register.filter
def num(value: object) -> str:
    """Digits in the page's language: 42 -> ৪২ on Bengali pages."""
    if value is None:
        return ""
    return bengali.to_bn_digits(value) if _lang() == "bn" else str(value)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return None


@register.filter
def day(value: object) -> str:
    """A Gregorian date in the page's language: ২২ নভেম্বর ২০২৬."""
    d = _as_date(value)
    return bengali.format_gregorian(d, _lang()) if d else ""


@register.filter
def dualdate(value: object) -> str:
    """Both calendars, as on documents: ২২ নভেম্বর ২০২৬ / ৭ অগ্রহায়ণ ১৪৩৩."""
    d = _as_date(value)
    return bengali.format_dual(d, _lang()) if d else ""


@register.filter
def daytime(value: object) -> str:
    """Date and time: ২২ নভেম্বর ২০২৬, ১০:০৫."""
    if not isinstance(value, datetime):
        return day(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = f"{bengali.format_gregorian(local.date(), _lang())}, {local:%H:%M}"
    return bengali.to_bn_digits(text) if _lang() == "bn" else text


@register.filter
def mobile(value: str) -> str:
    shown = display_bd_mobile(value)
    return bengali.to_bn_digits(shown) if _lang() == "bn" else shown
