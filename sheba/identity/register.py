"""Checking a person against the national identity register (NID or birth registration).

Public API::

    from sheba.identity.register import IdentityQuery, RegisterUnavailable, verify_identity

    result = verify_identity(IdentityQuery(kind="nid", number="১৯৯০৫৬১২৩৪৫৬৭", name_bn="রহিমা খাতুন",
                                           date_of_birth=date(1990, 3, 15), father_name="আবুল হোসেন"))
    result.status        # "match" | "mismatch" | "not_found"
    result.mismatched    # ("date_of_birth",) - which supplied fields differ, never the register's values

``IdentityQuery(...)`` raises ``InvalidInput`` (translated message) for a badly formed number or a
missing name; ``verify`` raises ``RegisterUnavailable`` when the register cannot answer (timeout,
connection refused, 5xx, or it refused our credentials): the caller must keep the check pending
and try again later, never treat it as passed.

Settings (each also read from the environment of the same name): ``SHEBA_NID_BACKEND`` ("http",
the only backend), ``SHEBA_NID_URL`` (base URL; outside production defaults to the simulator on
http://127.0.0.1:8090), ``SHEBA_NID_CLIENT_ID``, ``SHEBA_NID_SECRET`` (required in production),
``SHEBA_NID_TIMEOUT_SECONDS`` (at most 10).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Protocol, runtime_checkable

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sheba.core import clock
from sheba.core.bengali import nfc
from sheba.core.errors import InvalidInput, ServiceUnavailable
from sheba.identity import protocol
from sheba.identity.matching import digits

logger = logging.getLogger(__name__)

Kind = Literal["nid", "brn"]
Status = Literal["match", "mismatch", "not_found"]
MAX_TIMEOUT_SECONDS = 10.0
DEV_URL = "http://127.0.0.1:8090"
DEV_CLIENT_ID = "sheba-demo"  # the simulator's defaults (sheba/identity/simulator.py)
DEV_SECRET = "demo-only-nid-secret-not-for-production"
NAME_MAX = 200

FIELD_LABELS: dict[str, Promise] = {
    "name": _("name"),
    "date_of_birth": _("date of birth"),
    "father_name": _("father's name"),
    "mother_name": _("mother's name"),
}


class RegisterUnavailable(ServiceUnavailable):
    """The register did not give an answer; keep the check pending and try again later."""

    code = "register_unavailable"
    default_message = _(
        "The national identity register is not answering right now. Your application is kept and "
        "will be checked automatically as soon as the register is back."
    )


class RegisterRejected(RegisterUnavailable):
    """The register refused our request (credentials, clock, protocol): an operator must look."""

    code = "register_rejected"


def _clean_name(value: str) -> str:
    return " ".join(nfc(value or "").split())


@dataclass(frozen=True)
class IdentityQuery:
    """What the citizen typed. Numbers may carry Bengali digits, spaces or dashes; names are cleaned."""

    kind: Kind
    number: str
    date_of_birth: date
    name_bn: str = ""
    name_en: str = ""
    father_name: str = ""
    mother_name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("nid", "brn"):
            raise InvalidInput(_("Choose NID or birth registration number."))
        number = digits(self.number)
        if not (number.isascii() and number.isdigit()):
            raise InvalidInput(_("The number may contain digits only."))
        if self.kind == "nid" and len(number) not in (10, 13, 17):
            raise InvalidInput(_("An NID number has 10, 13 or 17 digits."))
        if self.kind == "brn" and len(number) == 16:
            raise InvalidInput(
                _("This is an old 16-digit birth registration number. Please have it converted to the "
                  "17-digit number first.")
            )
        if self.kind == "brn" and len(number) != 17:
            raise InvalidInput(_("A birth registration number has 17 digits."))
        object.__setattr__(self, "number", number)
        for name in ("name_bn", "name_en", "father_name", "mother_name"):
            cleaned = _clean_name(getattr(self, name))
            if len(cleaned) > NAME_MAX:
                raise InvalidInput(_("A name is too long."))
            object.__setattr__(self, name, cleaned)
        if not (self.name_bn or self.name_en):
            raise InvalidInput(_("Enter the name as written on the NID or birth certificate."))
        if not isinstance(self.date_of_birth, date) or self.date_of_birth > clock.today():
            raise InvalidInput(_("Enter a valid date of birth."))

    def payload(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "number": self.number,
            "name_bn": self.name_bn,
            "name_en": self.name_en,
            "date_of_birth": self.date_of_birth.isoformat(),
            "father_name": self.father_name,
            "mother_name": self.mother_name,
        }


@dataclass(frozen=True)
class IdentityResult:
    status: Status
    mismatched: tuple[str, ...] = ()  # subset of protocol.FIELDS, in that order
    checked: tuple[str, ...] = field(default=())  # the fields the register compared
    reference: str = ""  # our request id, for the audit trail

    @property
    def matched(self) -> bool:
        return self.status == "match"

    def mismatch_labels(self) -> list[str]:
        """The differing fields in the active language, e.g. ["date of birth", "father's name"]."""
        return [str(FIELD_LABELS[name]) for name in self.mismatched]


@runtime_checkable
class IdentityRegister(Protocol):
    def verify(self, person: IdentityQuery) -> IdentityResult:
        """Match, mismatch or not found; raises RegisterUnavailable when there is no answer."""
        ...


class HttpIdentityRegister:
    """The register's partner API over HTTPS, HMAC-signed (see sheba/identity/protocol.py)."""

    def __init__(self, *, url: str, client_id: str, secret: str, timeout: float = MAX_TIMEOUT_SECONDS,
                 session: requests.Session | None = None) -> None:
        if not url or not client_id or not secret:
            raise ImproperlyConfigured("SHEBA_NID_URL, SHEBA_NID_CLIENT_ID and SHEBA_NID_SECRET must be set.")
        self.url = url.rstrip("/")
        self.client_id = client_id
        self.secret = secret
        self.timeout = min(float(timeout), MAX_TIMEOUT_SECONDS)
        self.session = session or requests.Session()

    def signed_request(self, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = str(int(clock.now().timestamp()))
        signature = protocol.sign(self.secret, "POST", protocol.VERIFY_PATH, timestamp, body)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "X-Client-Id": self.client_id,
            "X-Timestamp": timestamp,
            "X-Signature": signature,
        }
        return body, headers

    def post(self, body: bytes, headers: dict[str, str]) -> requests.Response:
        try:
            return self.session.post(self.url + protocol.VERIFY_PATH, data=body, headers=headers,
                                     timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:  # timeouts, refused connections, resets
            logger.warning("identity register unreachable: %s", type(exc).__name__)
            raise RegisterUnavailable() from exc

    def verify(self, person: IdentityQuery) -> IdentityResult:
        reference = str(uuid.uuid4())
        body, headers = self.signed_request({"request_id": reference, **person.payload()})
        response = self.post(body, headers)
        if response.status_code >= 500:
            logger.warning("identity register answered %s", response.status_code)
            raise RegisterUnavailable()
        if response.status_code != 200:
            error = _error_code(response)
            logger.error("identity register refused the request: %s %s", response.status_code, error)
            raise RegisterRejected()
        try:
            data = response.json()
            status = data["status"]
            fields = data["fields"]
            if status not in protocol.STATUSES or not isinstance(fields, dict):
                raise ValueError(status)
        except (ValueError, KeyError, TypeError) as exc:
            logger.error("identity register sent an answer we cannot read")
            raise RegisterUnavailable() from exc
        if status == "not_found":
            return IdentityResult(status="not_found", reference=reference)
        checked = tuple(name for name in protocol.FIELDS if fields.get(name) is not None)
        mismatched = tuple(name for name in protocol.FIELDS if fields.get(name) is False)
        if status == "match" and mismatched:  # contradictory answer: trust the fields
            status = "mismatch"
        if status == "mismatch" and not mismatched:
            logger.error("identity register said mismatch without naming a field")
            raise RegisterUnavailable()
        return IdentityResult(status=status, mismatched=mismatched, checked=checked, reference=reference)


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json().get("error", ""))[:40]
    except (ValueError, AttributeError):
        return ""


def _setting(name: str, dev_default: Any = "") -> Any:
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name, "")
    if value in (None, "") and not getattr(settings, "PRODUCTION", False):
        value = dev_default
    return value


def get_register() -> IdentityRegister:
    """The configured register client (``SHEBA_NID_BACKEND``; "http" is the only one)."""
    backend = _setting("SHEBA_NID_BACKEND", "http") or "http"
    if backend != "http":
        raise ImproperlyConfigured("SHEBA_NID_BACKEND must be 'http'.")
    return HttpIdentityRegister(
        url=_setting("SHEBA_NID_URL", DEV_URL),
        client_id=_setting("SHEBA_NID_CLIENT_ID", DEV_CLIENT_ID),
        secret=_setting("SHEBA_NID_SECRET", DEV_SECRET),
        timeout=float(_setting("SHEBA_NID_TIMEOUT_SECONDS", MAX_TIMEOUT_SECONDS) or MAX_TIMEOUT_SECONDS),
    )


def query_from_profile(profile: Any) -> IdentityQuery:
    """The check for a citizen's saved profile (sheba.accounts.models.Profile); InvalidInput if incomplete."""
    if not profile.identity_kind or not profile.identity_number or profile.date_of_birth is None:
        raise InvalidInput(_("Add your NID or birth registration number and date of birth to your profile first."))
    return IdentityQuery(
        kind=profile.identity_kind,
        number=profile.identity_number,
        date_of_birth=profile.date_of_birth,
        name_bn=profile.name_bn,
        name_en=profile.name_en,
        father_name=profile.father_name,
        mother_name=profile.mother_name,
    )


def verify_identity(person: IdentityQuery) -> IdentityResult:
    """Check ``person`` against the configured register. Raises RegisterUnavailable without an answer."""
    return get_register().verify(person)
