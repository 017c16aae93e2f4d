"""Complaint numbers (অভিযোগ নম্বর): the tracking-number scheme of ``sheba.core.tracking`` (Crockford
base32, 50+ random bits from ``secrets``, a Damm check character), in a form that cannot be taken
for an application's tracking number: 12 characters, not 11, shown with the prefix ``GR``
(``GR-7KQ4-9XH2-MC4A``) instead of ``SB``. An application number typed here (or the other way
round) never matches: the lengths differ.
"""

from __future__ import annotations

import secrets
import unicodedata

from django.utils.translation import gettext_lazy as _

from sheba.core import tracking
from sheba.core.bengali import to_ascii_digits
from sheba.core.errors import InvalidInput, NotFound

PREFIX = "GR"
RANDOM_LENGTH = 11
LENGTH = RANDOM_LENGTH + 1
_VALUE = set(tracking.ALPHABET)
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = str.maketrans("", "", " -_.\u2010\u2011\u2012\u2013\u2014\u2212\u00a0\t")


class ComplaintNumberMalformed(InvalidInput):
    code = "complaint_number_malformed"
    default_message = _("That is not a complaint number. A complaint number looks like GR-7KQ4-9XH2-MC4A.")


class ComplaintNumberIsApplication(InvalidInput):
    code = "complaint_number_is_application"
    default_message = _(
        "This is an application's tracking number (it starts with SB). Look it up on the application "
        "status page; complaint numbers start with GR."
    )


class ComplaintNumberMistyped(InvalidInput):
    code = "complaint_number_mistyped"
    default_message = _("This complaint number looks mistyped. Please check each character and try again.")


class ComplaintNumberUnknown(NotFound):
    code = "complaint_number_unknown"
    default_message = _("We have no complaint with this number.")


def generate() -> str:
    body = "".join(secrets.choice(tracking.ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + tracking.check_character(body)


def _clean(text: str) -> str:
    return to_ascii_digits(unicodedata.normalize("NFKC", text)).upper().translate(_SEPARATORS)


def normalise(text: str) -> str:
    """The canonical 12 characters of what someone typed (check not verified), or a domain error."""
    if not isinstance(text, str) or len(text) > 64:
        raise ComplaintNumberMalformed()
    cleaned = _clean(text)
    if len(cleaned) == LENGTH + len(PREFIX) and cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX):]
    cleaned = cleaned.translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(char not in _VALUE for char in cleaned):
        if tracking.is_valid(text):
            raise ComplaintNumberIsApplication()
        raise ComplaintNumberMalformed()
    return cleaned


def parse(text: str) -> str:
    canonical = normalise(text)
    if tracking.check_character(canonical[:-1]) != canonical[-1]:
        raise ComplaintNumberMistyped()
    return canonical


def display(number: str) -> str:
    canonical = normalise(number)
    return f"{PREFIX}-{canonical[:4]}-{canonical[4:8]}-{canonical[8:]}"


EXAMPLE = display("7KQ49XH2MC4" + tracking.check_character("7KQ49XH2MC4"))
