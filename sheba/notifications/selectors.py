"""Reads for the developer outbox page, its command and the admin."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from sheba.core.bengali import to_ascii_digits
from sheba.core.phone import parse_bd_mobile
from sheba.notifications.models import Message

_NOT_DIGITS = re.compile(r"\D")


def recipient_filter_value(raw: str) -> tuple[str, bool]:
    """What to match a typed recipient against: (value, exact).

    A whole mobile number in any form (01712-345678, +880 1712…, Bengali digits) matches its
    E.164 form exactly; an e-mail address matches exactly (case-insensitive); anything else
    with at least four digits matches recipients containing those digits.
    """
    text = (raw or "").strip()
    if "@" in text:
        return text.lower(), True
    try:
        return parse_bd_mobile(text), True
    except ValidationError:
        pass
    digits = _NOT_DIGITS.sub("", to_ascii_digits(text))
    if len(digits) >= 4:
        return digits.lstrip("0") or digits, False
    raise ValidationError("too short", code="invalid")


def outbox_messages(*, to: str = "", limit: int = 50) -> QuerySet[Message]:
    """The most recent messages, newest first, optionally only those to one recipient.

    Raises ``ValidationError`` when ``to`` is given but names no recipient.
    """
    messages = Message.objects.order_by("-created_at", "-pk")
    if to and to.strip():
        value, exact = recipient_filter_value(to)
        messages = messages.filter(recipient__iexact=value) if exact else messages.filter(recipient__contains=value)
    return messages[: max(1, min(limit, 500))]
