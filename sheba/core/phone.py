"""Bangladeshi mobile numbers: accept what people type, store E.164, show 01XXX-XXXXXX."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sheba.core.bengali import to_ascii_digits

_SEPARATORS = re.compile(r"[\s\-().]")
_MAX_INPUT = 32


def parse_bd_mobile(raw: str) -> str:
    """Return the E.164 form (+8801XXXXXXXXX) of a Bangladeshi mobile number, or raise.

    Bengali digits are accepted. Landlines, other countries' numbers and retired operator
    digits (011) are refused.
    """
    if raw is None or not str(raw).strip():
        raise ValidationError(_("Enter your mobile number."), code="required")
    text = _SEPARATORS.sub("", to_ascii_digits(str(raw).strip()))
    if len(text) > _MAX_INPUT:
        raise ValidationError(_("Enter a Bangladeshi mobile number such as 01712-345678."), code="invalid")
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("880"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "BD")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Enter a Bangladeshi mobile number such as 01712-345678."), code="invalid"
        ) from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.country_code != 880 or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a Bangladeshi mobile number such as 01712-345678."), code="invalid")
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ) or not re.fullmatch(r"\+8801[3-9]\d{8}", e164):
        raise ValidationError(
            _("This is not a mobile number. Enter a mobile number that can receive SMS."), code="not_mobile"
        )
    return e164


def display_bd_mobile(e164: str) -> str:
    """+8801712345678 -> 01712-345678."""
    if not e164 or not e164.startswith("+880"):
        return e164 or ""
    local = "0" + e164[4:]
    return f"{local[:5]}-{local[5:]}"


def mask_mobile(e164: str) -> str:
    """For logs and screens that must not show the whole number: 017**-***678."""
    shown = display_bd_mobile(e164)
    if len(shown) < 12:
        return "***"
    return shown[:3] + "**-***" + shown[-3:]
