"""One-time codes sent by SMS (SECURITY.md, "Citizen authentication").

A code is 6 digits from ``secrets``, good for 5 minutes and one use, bound to its phone, purpose
and challenge, and kept only as an HMAC-SHA256 under ``settings.SHEBA_OTP_HASH_KEY``. Five wrong
guesses void the challenge; a new challenge for the same phone and purpose voids the older ones.
Sending is rate-limited (60 s cooldown, 5 per number per hour, 10 per day, 20 per IP per hour)
and refused when the rate-limit store is down.

Never log a code: nothing here does.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from sheba.accounts.models import OtpChallenge, OtpPurpose, User
from sheba.core import clock, ratelimit
from sheba.core.bengali import to_ascii_digits, to_bn_digits
from sheba.core.errors import InvalidInput, RateLimited

CODE_LENGTH = 6
_CODE_RE = re.compile(r"\d{6}")

# OTP failures for these purposes are failed sign-in steps: they count towards the lock.
SIGN_IN_PURPOSES = {OtpPurpose.LOGIN, OtpPurpose.UNLOCK, OtpPurpose.RESET_MPIN}


class OtpWrong(InvalidInput):
    code = "otp_wrong"
    default_message = _("The code is wrong. Check the SMS and try again.")


class OtpExpired(InvalidInput):
    code = "otp_expired"
    default_message = _("This code has expired or has already been used. Ask for a new code.")


def ttl() -> timedelta:
    return timedelta(seconds=settings.SHEBA_OTP_TTL_SECONDS)


def generate_code() -> str:
    """Six digits, uniformly from the OS's CSPRNG (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def normalise_code(raw: object) -> str | None:
    """What a person typed (Bengali or ASCII digits, spaces) -> 6 ASCII digits, or None."""
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    text = re.sub(r"[\s\-]", "", to_ascii_digits(raw))
    return text if _CODE_RE.fullmatch(text) else None


def code_hash(*, challenge_id: Any, phone: str, purpose: str, code: str) -> str:
    """The keyed hash we store: binds the code to its challenge, phone and purpose."""
    message = f"{challenge_id}|{phone}|{purpose}|{code}".encode()
    return hmac.new(settings.SHEBA_OTP_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def _matches(challenge: OtpChallenge, code: str) -> bool:
    expected = code_hash(challenge_id=challenge.pk, phone=challenge.phone, purpose=challenge.purpose, code=code)
    return hmac.compare_digest(expected, challenge.code_hash)


# --- Send limits -----------------------------------------------------------------------------


def send_rules(*, phone: str, ip: str | None) -> list[ratelimit.Rule]:
    rules = [
        ratelimit.Rule(f"otp:cool:{phone}", 1, settings.SHEBA_OTP_COOLDOWN_SECONDS),
        ratelimit.Rule(f"otp:hour:{phone}", settings.SHEBA_OTP_PER_NUMBER_HOUR, 3600),
        ratelimit.Rule(f"otp:day:{phone}", settings.SHEBA_OTP_PER_NUMBER_DAY, 86400),
    ]
    if ip:
        rules.append(ratelimit.Rule(f"otp:ip:{ip}", settings.SHEBA_OTP_PER_IP_HOUR, 3600))
    return rules


def wait_text(seconds: int) -> str:
    """'45 seconds' / '3 minutes' in the active language, Bengali digits on Bengali pages."""
    if seconds < 120:
        amount, text = seconds, ngettext("%(count)s second", "%(count)s seconds", seconds)
    else:
        amount = -(-seconds // 60)
        text = ngettext("%(count)s minute", "%(count)s minutes", amount)
    language = translation.get_language() or "bn"
    shown = to_bn_digits(amount) if language.startswith("bn") else str(amount)
    return text % {"count": shown}


class OtpRateLimited(RateLimited):
    code = "otp_rate_limited"

    def __init__(self, retry_after: int):
        # Made when raised, in the language of the request that asked.
        message = gettext("Too many codes have been asked for. Please wait %(wait)s and try again.") % {
            "wait": wait_text(retry_after)
        }
        super().__init__(message, retry_after=retry_after)


# --- Issue and verify ------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """What to send when a challenge is made. ``event=None`` sends nothing (no account to reset)."""

    event: str | None = "otp"
    context: dict[str, Any] | None = None


def _active(phone: str, purpose: str):
    return OtpChallenge.objects.filter(
        phone=phone, purpose=purpose, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=clock.now()
    )


def otp_request(
    *,
    phone: str,
    purpose: str,
    ip: str | None,
    language: str = "bn",
    user: User | None = None,
    delivery: Delivery | None = None,
    reuse_recent: bool = True,
) -> OtpChallenge:
    """Send a new code to ``phone`` for ``purpose`` (or reuse one sent within the cooldown).

    ``reuse_recent`` makes a repeated step (a double-clicked submit, the same number typed again)
    return the challenge already on its way instead of tripping the 60-second cooldown; the
    explicit "send a new code" button passes False and is limited. Raises ``OtpRateLimited``.
    """
    delivery = delivery or Delivery()
    if reuse_recent:
        mine = _active(phone, purpose).filter(**({"user": user} if user is not None else {"user__isnull": True}))
        recent = (
            mine.filter(created_at__gt=clock.now() - timedelta(seconds=settings.SHEBA_OTP_COOLDOWN_SECONDS))
            .order_by("-created_at")
            .first()
        )
        if recent is not None:
            return recent
    wait = ratelimit.hit(send_rules(phone=phone, ip=ip))
    if wait:
        raise OtpRateLimited(wait)
    with transaction.atomic():
        return _otp_issue(phone=phone, purpose=purpose, ip=ip, language=language, user=user, delivery=delivery)


def _otp_issue(
    *, phone: str, purpose: str, ip: str | None, language: str, user: User | None, delivery: Delivery
) -> OtpChallenge:
    from sheba.notifications.services import notify

    now = clock.now()
    _active(phone, purpose).update(voided_at=now)
    challenge = OtpChallenge(
        phone=phone, purpose=purpose, user=user, created_at=now, expires_at=now + ttl(), ip_address=ip
    )
    code = generate_code()
    challenge.code_hash = code_hash(challenge_id=challenge.pk, phone=phone, purpose=purpose, code=code)
    challenge.save(force_insert=True)
    if delivery.event == "otp":
        with translation.override(language):
            label = str(OtpPurpose(purpose).label)
        notify(
            event="otp",
            context={"code": code, "purpose_label": label, "minutes": settings.SHEBA_OTP_TTL_SECONDS // 60},
            sms_to=phone,
            user=user,
            language=language,
            expires_at=challenge.expires_at,
        )
    elif delivery.event:
        notify(event=delivery.event, context=delivery.context or {}, sms_to=phone, user=user, language=language)
    return challenge


def otp_verify(*, challenge_id: Any, phone: str, purpose: str, code: object) -> OtpChallenge:
    """Use the code once. Exactly one of any number of parallel tries can succeed.

    A wrong code counts against the challenge (5 void it) and, for sign-in purposes, against the
    account (100 failed sign-in steps in a row lock it). Those counts commit even though this
    raises ``OtpWrong``; an unusable challenge raises ``OtpExpired``.
    """
    challenge = _find(challenge_id, phone, purpose)
    if challenge is None or not _usable(challenge):
        raise OtpExpired()
    digits = normalise_code(code)
    if digits is None or not _matches(challenge, digits):
        _count_wrong(challenge)
        raise OtpWrong()
    now = clock.now()
    won = OtpChallenge.objects.filter(
        pk=challenge.pk, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if won != 1:
        raise OtpExpired()
    challenge.used_at = now
    return challenge


def otp_recently_verified(*, challenge_id: Any, phone: str, purpose: str, code: object, within: int = 60) -> bool:
    """True if this very code already verified this challenge in the last ``within`` seconds.

    Lets a double-clicked submit land where the first click went, instead of on "code already
    used". Only the browser holding the challenge id in its session can ask.
    """
    challenge = _find(challenge_id, phone, purpose)
    digits = normalise_code(code)
    if challenge is None or digits is None or challenge.used_at is None:
        return False
    if challenge.used_at < clock.now() - timedelta(seconds=within):
        return False
    return _matches(challenge, digits)


def otp_verified(*, challenge_id: Any, phone: str, purpose: str, within: int = 600) -> OtpChallenge | None:
    """The challenge if its code was used in the last ``within`` seconds and its step not yet finished."""
    challenge = _find(challenge_id, phone, purpose)
    if challenge is None or challenge.used_at is None or challenge.voided_at is not None:
        return None
    if challenge.used_at < clock.now() - timedelta(seconds=within):
        return None
    return challenge


def otp_consume(challenge: OtpChallenge) -> bool:
    """Mark a verified challenge's follow-up step as done (so it cannot be done twice). Locks the row."""
    return (
        OtpChallenge.objects.filter(pk=challenge.pk, used_at__isnull=False, voided_at__isnull=True).update(
            voided_at=clock.now()
        )
        == 1
    )


def otp_recently_consumed(*, challenge_id: Any, phone: str, purpose: str, within: int = 60) -> OtpChallenge | None:
    """The challenge if its follow-up step was finished in the last ``within`` seconds (double submit)."""
    challenge = _find(challenge_id, phone, purpose)
    if challenge is None or challenge.used_at is None or challenge.voided_at is None:
        return None
    if challenge.voided_at < clock.now() - timedelta(seconds=within):
        return None
    return challenge


def _usable(challenge: OtpChallenge) -> bool:
    return challenge.used_at is None and challenge.voided_at is None and challenge.expires_at > clock.now()


def _find(challenge_id: Any, phone: str, purpose: str) -> OtpChallenge | None:
    try:
        pk = uuid.UUID(str(challenge_id))
    except ValueError:  # a malformed id is simply not found
        return None
    return OtpChallenge.objects.filter(pk=pk, phone=phone, purpose=purpose).first()


def _count_wrong(challenge: OtpChallenge) -> None:
    max_guesses = settings.SHEBA_OTP_MAX_GUESSES
    now = clock.now()
    with transaction.atomic():
        OtpChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True, voided_at__isnull=True).update(
            wrong_guesses=F("wrong_guesses") + 1,
            voided_at=Case(When(wrong_guesses__gte=max_guesses - 1, then=Value(now)), default=None),
        )
        if challenge.user_id and challenge.purpose in SIGN_IN_PURPOSES:
            from sheba.accounts.services import sign_in_failed

            sign_in_failed(user_id=challenge.user_id)
