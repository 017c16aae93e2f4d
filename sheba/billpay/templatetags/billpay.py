"""Filters for bill pages: an amount in poisha shown as taka in the page's language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from sheba.core.money import Money

register = template.Library()


@register.filter
def taka(poisha: object) -> str:
    """12550 → ৳ ১২৫.৫০ on Bengali pages, Tk 125.50 on English ones."""
    if poisha is None or poisha == "":
        return ""
    return Money(int(poisha)).format(get_language() or "bn")  # type: ignore[call-overload]


@register.filter
def plain_taka(poisha: object) -> str:
    """The amount as a form value in taka with ASCII digits: 12550 → 125.50."""
    taka_part, rest = divmod(int(poisha), 100)  # type: ignore[call-overload]
    return f"{taka_part}.{rest:02d}"
