"""Tracking numbers (ট্র্যাকিং নম্বর): short enough to read over the phone, not guessable.

Format
    Stored (canonical): 11 characters of Crockford base32 (``0-9`` and ``A-Z`` without
    ``I L O U``), e.g. ``7KQ49XH2MC4``: 10 random characters (50 bits from ``secrets``, so
    numbers are neither sequential nor enumerable) and 1 check character.
    Shown: ``SB-7KQ4-9XH2-MC4`` (the fixed prefix ``SB`` and groups of 4, 4 and 3).

Check character
    Damm's algorithm over the quasigroup ``x * y = 2x + y`` in GF(32) (polynomial
    ``x^5 + x^2 + 1``). Because ``y -> 2x + y`` and ``x -> 2x + y`` are both bijections, every
    single-character substitution changes the result; because ``2 != 1``,
    ``(c*x)*y == (c*y)*x`` only when ``x == y``, so every adjacent transposition (including one
    with the check character) is caught too. A number is valid when the running value of all
    11 characters is 0.

Reading one back
    ``normalise`` accepts lower case, spaces and dashes, Bengali digits, the ``SB`` prefix or
    none, and Crockford's look-alikes (``I``/``L`` -> ``1``, ``O`` -> ``0``). ``parse`` tells a
    malformed text ("not a tracking number") from a mistyped one ("looks mistyped": right shape,
    wrong check character); an unknown number (right shape and check, but no such application)
    is the caller's :class:`TrackingNumberUnknown`.

Uniqueness is the caller's job: store the canonical form in a unique column and generate again
on the (about 1 in 10^15 per pair) collision.
"""

from __future__ import annotations

import secrets
import unicodedata

from django.utils.translation import gettext_lazy as _

from sheba.core.bengali import to_ascii_digits
from sheba.core.errors import InvalidInput, NotFound

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
PREFIX = "SB"
RANDOM_LENGTH = 10
LENGTH = RANDOM_LENGTH + 1  # canonical length, check character included
EXAMPLE = "SB-7KQ4-9XH2-MC4"  # shown in hints (a valid number)

_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = str.maketrans("", "", " -_.\u2010\u2011\u2012\u2013\u2014\u2212\u00a0\t")
_GF32_POLY = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2)


class TrackingNumberMalformed(InvalidInput):
    code = "tracking_malformed"
    default_message = _("That is not a tracking number. A tracking number looks like SB-7KQ4-9XH2-MC4.")


class TrackingNumberMistyped(InvalidInput):
    code = "tracking_mistyped"
    default_message = _("This tracking number looks mistyped. Please check each character and try again.")


class TrackingNumberUnknown(NotFound):
    """Raised by callers (the applications work) for a well-formed number that matches nothing."""

    code = "tracking_unknown"
    default_message = _("We have no application with this tracking number.")


def _times_two(value: int) -> int:
    value <<= 1
    if value & 0b100000:
        value ^= _GF32_POLY
    return value


def _step(interim: int, value: int) -> int:
    """The Damm quasigroup operation ``interim * value = 2·interim + value`` in GF(32)."""
    return _times_two(interim) ^ value


def _running(chars: str) -> int:
    interim = 0
    for char in chars:
        interim = _step(interim, _VALUE[char])
    return interim


def check_character(body: str) -> str:
    """The check character for a body of canonical characters: the one that brings the total to 0."""
    # interim * c = 0  <=>  2·interim + c = 0  <=>  c = 2·interim (characteristic 2).
    return ALPHABET[_times_two(_running(body))]


def generate() -> str:
    """A new canonical tracking number: 10 random characters and the check character."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def display(number: str) -> str:
    """``7KQ49XH2MC4`` -> ``SB-7KQ4-9XH2-MC4`` (accepts any form ``normalise`` accepts)."""
    canonical = normalise(number)
    return f"{PREFIX}-{canonical[:4]}-{canonical[4:8]}-{canonical[8:]}"


def normalise(text: str) -> str:
    """The canonical 11 characters of what someone typed, or :class:`TrackingNumberMalformed`.

    The check character is not verified here (``parse`` does that).
    """
    if not isinstance(text, str) or len(text) > 64:
        raise TrackingNumberMalformed()
    cleaned = to_ascii_digits(unicodedata.normalize("NFKC", text)).upper().translate(_SEPARATORS)
    if len(cleaned) == LENGTH + len(PREFIX) and cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX):]
    cleaned = cleaned.translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(char not in _VALUE for char in cleaned):
        raise TrackingNumberMalformed()
    return cleaned


def parse(text: str) -> str:
    """The canonical tracking number in ``text``; a domain error that says what is wrong otherwise."""
    canonical = normalise(text)
    if _running(canonical) != 0:
        raise TrackingNumberMistyped()
    return canonical


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidInput:
        return False
    return True
