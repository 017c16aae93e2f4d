"""Citizen authentication: registration, login, forgotten MPIN, change of mobile number.

Every figure comes from SECURITY.md ("Citizen authentication") through settings:
OTP rules live in ``sheba.accounts.otp``; here are the MPIN rules (6 digits, Argon2, trivial
PINs refused; after 5 wrong an OTP is also needed, after 10 the MPIN is disabled until it is
reset through an OTP; 100 failed sign-in steps in a row lock the account), devices (a new
device needs an OTP), and no account enumeration (registered and unregistered numbers get the
same answers in the same time).

Failure counters must survive the refusal they cause, so the functions that count failures
commit the count in their own short transaction and raise afterwards.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sheba.accounts import otp
from sheba.accounts.models import Device, OtpChallenge, OtpPurpose, Profile, User, UserKind
from sheba.accounts.sessions import sessions_end_for_user
from sheba.audit.services import audit_record
from sheba.core import clock
from sheba.core.bengali import to_ascii_digits
from sheba.core.errors import Conflict, InvalidInput
from sheba.core.phone import mask_mobile

log = logging.getLogger(__name__)

MPIN_LENGTH = 6


class LoginRefused(InvalidInput):
    """The one answer for every failed login: unknown number, wrong MPIN, blocked, officer."""

    code = "login_refused"
    default_message = _(
        "The mobile number or MPIN is not right. After several wrong tries the MPIN is blocked for "
        "your safety; then use “Forgot MPIN?” to set a new one with a code sent to your mobile."
    )


class MpinWrong(InvalidInput):
    code = "mpin_wrong"
    default_message = _("The MPIN is wrong.")


class MpinTooSimple(InvalidInput):
    code = "mpin_trivial"
    default_message = _("This MPIN is too easy to guess. Choose six digits that are not a pattern, your date of birth or part of your mobile number.")


# --- MPIN rules ------------------------------------------------------------------------------

# Widely used PINs that are not caught by the patterns below (786 is a common lucky number here).
COMMON_MPINS = frozenset(
    {
        "112233", "102030", "101010", "696969", "159753", "147258", "258369", "123321", "007007",
        "786786", "112211", "147852", "789456", "456123", "159357", "963852", "741852", "852456",
        "000111", "110011", "123654", "999000", "100200", "200000", "100000", "111222", "998877",
        "778899", "135790", "246810", "135791", "246802", "520520", "131313", "232323", "202020",
        "789789", "456456", "369369", "147147", "258258", "111000", "000123", "123000", "010101",
        "098765", "786000", "000786", "142536", "102938", "121314", "212223", "198019", "200020",
        "654123", "321654", "147369", "753951", "951753", "314159", "271828", "420420", "111111",
    }
)


def normalise_mpin(raw: object) -> str | None:
    """What a person typed (Bengali or ASCII digits) -> 6 ASCII digits, or None."""
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    text = to_ascii_digits(raw.strip())
    return text if re.fullmatch(r"\d{6}", text) else None


def _is_run(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {9})  # ascending or descending, 0 and 9 wrapping round


def _birth_date_forms(day: date) -> set[str]:
    d, m, y, yy = f"{day.day:02d}", f"{day.month:02d}", f"{day.year:04d}", f"{day.year % 100:02d}"
    eight = {d + m + y, y + m + d, m + d + y, y + d + m}
    forms = {d + m + yy, yy + m + d, m + d + yy, yy + d + m, m + y, y + m, d + y[:2] + m, y[2:] + m + d}
    for text in eight:
        forms.add(text[:6])
        forms.add(text[-6:])
    return forms


def mpin_is_trivial(pin: str, *, phone: str | None = None, date_of_birth: date | None = None) -> bool:
    """All one digit, a run (123456, 654321, 890123), a repeated pair or triple, a common PIN,
    the phone's last six digits, or the birth date in any usual order."""
    if len(set(pin)) == 1 or _is_run(pin):
        return True
    if pin == pin[:2] * 3 or pin == pin[:3] * 2:
        return True
    if pin in COMMON_MPINS:
        return True
    if phone and pin == re.sub(r"\D", "", phone)[-6:]:
        return True
    return bool(date_of_birth and pin in _birth_date_forms(date_of_birth))


def mpin_check(raw: object, *, phone: str | None = None, date_of_birth: date | None = None) -> str:
    """The 6 ASCII digits of an acceptable new MPIN, or raise ``InvalidInput`` saying why not."""
    pin = normalise_mpin(raw)
    if pin is None:
        raise InvalidInput(_("The MPIN must be exactly 6 digits."))
    if mpin_is_trivial(pin, phone=phone, date_of_birth=date_of_birth):
        raise MpinTooSimple()
    return pin


def mpin_generate(*, phone: str | None = None) -> str:
    """A random non-trivial PIN (the Ekseba variant sends it by SMS)."""
    while True:
        pin = otp.generate_code()
        if not mpin_is_trivial(pin, phone=phone):
            return pin


def _date_of_birth(user: User) -> date | None:
    profile = Profile.objects.filter(user=user).only("date_of_birth").first()
    return profile.date_of_birth if profile else None


# --- Failure counters ------------------------------------------------------------------------


def sign_in_failed(*, user_id: int) -> None:
    """One more failed sign-in step (OTP or MPIN). The 100th in a row locks the account."""
    with transaction.atomic():
        User.objects.filter(pk=user_id).update(consecutive_failures=F("consecutive_failures") + 1)
        locked = (
            User.objects.filter(
                pk=user_id, locked_at__isnull=True, consecutive_failures__gte=settings.SHEBA_ACCOUNT_LOCK_FAILURES
            ).update(locked_at=clock.now())
            == 1
        )
        if locked:
            audit_record(actor=None, action="account.locked", object_type="user", object_id=str(user_id))
            log.warning("account locked after repeated failed sign-in steps")


def _mpin_failed(user: User) -> None:
    """A wrong MPIN: counts towards "OTP needed" (5), "MPIN disabled" (10) and the lock (100)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(mpin_failures=F("mpin_failures") + 1)
        disabled = User.objects.filter(
            pk=user.pk, mpin_disabled_at__isnull=True, mpin_failures__gte=settings.SHEBA_MPIN_DISABLE_AFTER
        ).update(mpin_disabled_at=clock.now())
        if disabled:
            audit_record(actor=None, action="mpin.disabled", object_type="user", object_id=str(user.pk))
        sign_in_failed(user_id=user.pk)


def _sign_in_succeeded(user: User) -> None:
    User.objects.filter(pk=user.pk).update(mpin_failures=0, consecutive_failures=0)
    user.mpin_failures = user.consecutive_failures = 0


def _dummy_mpin_check(raw: object) -> None:
    """Spend the time a real MPIN check takes, so unknown numbers answer as slowly as known ones."""
    make_password(str(raw)[:32])


# --- Devices ---------------------------------------------------------------------------------

DEVICE_COOKIE = "sheba_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600


def device_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_is_known(*, user: User, token: str | None) -> bool:
    if not token or len(token) > 100:
        return False
    return Device.objects.filter(user=user, token_hash=device_token_hash(token), revoked_at__isnull=True).exists()


def device_remember(*, user: User, token: str | None, label: str = "") -> str:
    """Trust this browser for ``user`` from now on. Returns the token to (re)set in the cookie."""
    now = clock.now()
    if token and len(token) <= 100:
        updated = Device.objects.filter(user=user, token_hash=device_token_hash(token), revoked_at__isnull=True).update(
            last_seen_at=now
        )
        if updated:
            return token
    token = secrets.token_urlsafe(32)
    Device.objects.create(
        user=user, token_hash=device_token_hash(token), label=label[:200], created_at=now, last_seen_at=now
    )
    return token


def devices_revoke_others(*, user: User, keep_token: str | None) -> int:
    keep = device_token_hash(keep_token) if keep_token else ""
    return Device.objects.filter(user=user, revoked_at__isnull=True).exclude(token_hash=keep).update(
        revoked_at=clock.now()
    )


# --- Registration ----------------------------------------------------------------------------


def _number_taken(phone: str) -> bool:
    return User.objects.filter(Q(mobile=phone) | Q(username=phone)).exists()


def _citizen_by_phone(phone: str) -> User | None:
    return User.objects.filter(username=phone, kind=UserKind.CITIZEN).first()


def citizen_registration_start(*, phone: str, ip: str | None, language: str, resend: bool = False) -> OtpChallenge:
    """Step 1: send a registration code. A number that already has an account is told so by SMS
    instead, and gets a challenge no code can pass: the page and timing are the same."""
    holder = User.objects.filter(Q(mobile=phone) | Q(username=phone)).only("kind").first()
    if holder is not None and holder.is_officer:
        delivery = otp.Delivery(None)  # never an SMS about citizen sign-in to an officer
    elif holder is not None:
        login_url = settings.SHEBA_SITE_URL.rstrip("/") + reverse("accounts:login")
        delivery = otp.Delivery("account_exists", {"login_url": login_url})
    else:
        delivery = otp.Delivery("otp")
    return otp.otp_request(
        phone=phone, purpose=OtpPurpose.REGISTER, ip=ip, language=language, delivery=delivery, reuse_recent=not resend
    )


def _verified_for_finish(challenge_id: Any, phone: str, purpose: str) -> OtpChallenge | None:
    found = otp.otp_verified(challenge_id=challenge_id, phone=phone, purpose=purpose)
    if found is None:
        return None
    return OtpChallenge.objects.select_for_update().filter(pk=found.pk, voided_at__isnull=True).first()


def _create_citizen(*, phone: str, pin: str, language: str, challenge: OtpChallenge) -> User:
    if _number_taken(phone):
        raise Conflict(_("This mobile number is already registered. Log in, or use “Forgot MPIN?”."))
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=phone, password=pin, mobile=phone, preferred_language=language)
    except IntegrityError:
        raise Conflict(_("This mobile number is already registered. Log in, or use “Forgot MPIN?”.")) from None
    Profile.objects.create(user=user)
    otp.otp_consume(challenge)
    OtpChallenge.objects.filter(pk=challenge.pk).update(user=user)
    audit_record(actor=user, action="citizen.registered", object_type="user", object_id=str(user.public_id))
    return user


def _already_registered_by(challenge_id: Any, phone: str) -> User | None:
    """A double-clicked last step: the first click already made the account from this challenge."""
    done = otp.otp_recently_consumed(challenge_id=challenge_id, phone=phone, purpose=OtpPurpose.REGISTER)
    if done is None or done.user_id is None:
        return None
    return User.objects.filter(pk=done.user_id, username=phone).first()


@transaction.atomic
def citizen_registration_finish(*, challenge_id: Any, phone: str, mpin: object, language: str) -> User:
    """Step 3: the citizen chose an MPIN after the code was verified. Creates the account."""
    pin = mpin_check(mpin, phone=phone)
    challenge = _verified_for_finish(challenge_id, phone, OtpPurpose.REGISTER)
    if challenge is None:
        existing = _already_registered_by(challenge_id, phone)
        if existing is not None:
            return existing
        raise otp.OtpExpired()
    user = _create_citizen(phone=phone, pin=pin, language=language, challenge=challenge)
    from sheba.notifications.services import notify

    notify(event="welcome", context={"name": ""}, sms_to=phone, user=user, language=language)
    return user


@transaction.atomic
def citizen_registration_finish_generated(*, challenge_id: Any, phone: str, language: str) -> User:
    """Ekseba variant of step 3: the platform makes the PIN and sends it by SMS."""
    challenge = _verified_for_finish(challenge_id, phone, OtpPurpose.REGISTER)
    if challenge is None:
        existing = _already_registered_by(challenge_id, phone)
        if existing is not None:
            return existing
        raise otp.OtpExpired()
    pin = mpin_generate(phone=phone)
    user = _create_citizen(phone=phone, pin=pin, language=language, challenge=challenge)
    from sheba.notifications.services import notify

    notify(event="generated_pin", context={"pin": pin}, sms_to=phone, user=user, language=language)
    return user


# --- Login -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginStep:
    """After a right MPIN: either signed in, or an OTP (``otp_purpose``) is needed first."""

    user: User
    otp_purpose: str | None


def citizen_login_check(*, phone: str, mpin: object, device_token: str | None) -> LoginStep:
    """Mobile + MPIN. Every refusal is the same ``LoginRefused`` after one password-hash's time.

    A browser this citizen has not proved with an OTP, or 5+ wrong MPINs since the last good
    login, means an OTP is needed before the session starts.
    """
    pin = normalise_mpin(mpin)
    user = _citizen_by_phone(phone)
    if user is None or pin is None or not user.is_active or user.locked_at or user.mpin_disabled_at:
        _dummy_mpin_check(mpin)
        if user is not None:
            # A blocked account still counts its failures (towards the lock); a malformed
            # MPIN is a failed try like any other.
            if pin is None and not (user.locked_at or user.mpin_disabled_at):
                _mpin_failed(user)
            else:
                sign_in_failed(user_id=user.pk)
        raise LoginRefused()
    # TODO(identity issue): a disabled MPIN will also need the NID re-check before it is reset.
    if not user.check_password(pin):
        _mpin_failed(user)
        raise LoginRefused()
    if user.mpin_failures >= settings.SHEBA_MPIN_OTP_AFTER:
        return LoginStep(user=user, otp_purpose=OtpPurpose.UNLOCK)
    if not device_is_known(user=user, token=device_token):
        return LoginStep(user=user, otp_purpose=OtpPurpose.LOGIN)
    _sign_in_succeeded(user)
    return LoginStep(user=user, otp_purpose=None)


def citizen_login_send_otp(*, user: User, purpose: str, ip: str | None, language: str, resend: bool = False) -> OtpChallenge:
    return otp.otp_request(
        phone=user.username, purpose=purpose, ip=ip, language=language, user=user, reuse_recent=not resend
    )


def citizen_login_finish(*, challenge_id: Any, phone: str, purpose: str, code: object) -> User:
    """The OTP step of a login. Returns the user to sign in; raises ``OtpWrong``/``OtpExpired``/``LoginRefused``."""
    try:
        challenge = otp.otp_verify(challenge_id=challenge_id, phone=phone, purpose=purpose, code=code)
    except otp.OtpExpired:
        if not otp.otp_recently_verified(challenge_id=challenge_id, phone=phone, purpose=purpose, code=code):
            raise
        challenge = OtpChallenge.objects.get(pk=challenge_id)  # double-clicked: the first click won
    user = User.objects.filter(pk=challenge.user_id or 0, kind=UserKind.CITIZEN).first()
    if user is None or not user.is_active or user.locked_at or user.mpin_disabled_at:
        raise LoginRefused()
    _sign_in_succeeded(user)
    return user


# --- Forgotten MPIN --------------------------------------------------------------------------


def mpin_reset_start(*, phone: str, ip: str | None, language: str, resend: bool = False) -> OtpChallenge:
    """Send a code to reset the MPIN. A number without an account gets a challenge no code passes
    (and no SMS); the pages are the same, so nobody learns whether the number is registered."""
    user = _citizen_by_phone(phone)
    delivery = otp.Delivery("otp") if user is not None else otp.Delivery(None)
    return otp.otp_request(
        phone=phone,
        purpose=OtpPurpose.RESET_MPIN,
        ip=ip,
        language=language,
        user=user,
        delivery=delivery,
        reuse_recent=not resend,
    )


def mpin_reset_identity(*, challenge_id: Any, phone: str, number: str, date_of_birth: date) -> User:
    """Forgotten MPIN, second step: after the code, the NID (or birth registration number) and date
    of birth recorded in the profile, checked against the profile and the national register
    (``sheba.identity.services.recovery_identity_check``: rate-limited, never passed when the
    register does not answer). Not in a transaction: it calls the register over HTTP."""
    from sheba.identity.services import recovery_identity_check

    challenge = otp.otp_verified(challenge_id=challenge_id, phone=phone, purpose=OtpPurpose.RESET_MPIN)
    if challenge is None:
        raise otp.OtpExpired()
    user = User.objects.select_related("profile").filter(pk=challenge.user_id or 0, kind=UserKind.CITIZEN).first()
    if user is None:
        raise otp.OtpExpired()
    recovery_identity_check(user=user, number=number, date_of_birth=date_of_birth)
    return user


def identity_recheck_required(user: User, *, since: Any = None) -> bool:
    """Resetting the MPIN needs a passed identity check (NID/birth registration number and date of
    birth, confirmed by the national register) made after the reset code was verified."""
    from sheba.identity.services import recovery_identity_passed

    return not recovery_identity_passed(user=user, since=since)


@transaction.atomic
def mpin_reset_finish(*, challenge_id: Any, phone: str, mpin: object, language: str) -> User:
    """Set a new MPIN after the reset code was verified. Clears the failure counters, unlocks,
    tells the citizen by SMS and ends every session of this account."""
    challenge = _verified_for_finish(challenge_id, phone, OtpPurpose.RESET_MPIN)
    if challenge is None:
        done = otp.otp_recently_consumed(challenge_id=challenge_id, phone=phone, purpose=OtpPurpose.RESET_MPIN)
        if done is not None and done.user_id:
            return User.objects.get(pk=done.user_id)  # a double-clicked submit: already done
        raise otp.OtpExpired()
    user = User.objects.select_for_update().filter(pk=challenge.user_id or 0, kind=UserKind.CITIZEN).first()
    if user is None:
        raise otp.OtpExpired()
    if identity_recheck_required(user, since=challenge.used_at):
        raise InvalidInput(_("Your NID must be checked again before you can set a new MPIN."))
    pin = mpin_check(mpin, phone=phone, date_of_birth=_date_of_birth(user))
    otp.otp_consume(challenge)
    user.set_password(pin)
    user.mpin_failures = 0
    user.consecutive_failures = 0
    user.mpin_disabled_at = None
    user.locked_at = None
    user.save(update_fields=["password", "mpin_failures", "consecutive_failures", "mpin_disabled_at", "locked_at"])
    Device.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
    sessions_end_for_user(user=user)
    from sheba.notifications.services import notify

    notify(event="mpin_changed", context={}, sms_to=phone, user=user, language=language)
    audit_record(actor=user, action="mpin.reset", object_type="user", object_id=str(user.public_id))
    return user


# --- Change of mobile number -----------------------------------------------------------------


@dataclass(frozen=True)
class MobileChange:
    old_challenge: OtpChallenge
    new_challenge: OtpChallenge


def mobile_change_start(
    *, actor: User, mpin: object, new_phone: str, ip: str | None, language: str, resend: bool = False
) -> MobileChange:
    """Check the current MPIN, then send one code to the old number and one to the new number.

    Whether the new number is free is said only after both codes are verified.
    """
    pin = normalise_mpin(mpin)
    if pin is None or not actor.check_password(pin):
        _mpin_failed(actor)
        raise MpinWrong()
    _sign_in_succeeded(actor)
    return mobile_change_send(actor=actor, new_phone=new_phone, ip=ip, language=language, resend=resend)


def mobile_change_send(
    *,
    actor: User,
    new_phone: str,
    ip: str | None,
    language: str,
    resend: bool = False,
    old_challenge: OtpChallenge | None = None,
    new_challenge: OtpChallenge | None = None,
) -> MobileChange:
    """Send the two codes (on a resend, only those not verified yet: pass the verified ones)."""
    if new_phone == actor.username:
        raise InvalidInput(_("This is already your mobile number."))
    old = old_challenge or otp.otp_request(
        phone=actor.username,
        purpose=OtpPurpose.CHANGE_MOBILE_OLD,
        ip=ip,
        language=language,
        user=actor,
        reuse_recent=not resend,
    )
    new = new_challenge or otp.otp_request(
        phone=new_phone,
        purpose=OtpPurpose.CHANGE_MOBILE_NEW,
        ip=ip,
        language=language,
        user=actor,
        reuse_recent=not resend,
    )
    return MobileChange(old_challenge=old, new_challenge=new)


@transaction.atomic
def mobile_change_finish(
    *,
    actor: User,
    old_challenge_id: Any,
    new_challenge_id: Any,
    new_phone: str,
    keep_session_key: str | None,
    keep_device_token: str | None,
    language: str,
) -> User:
    """Both codes verified: move the account to the new number, tell the old number, end the
    other sessions and revoke the other devices. Refuses a number that has another account."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    old_phone = user.username
    old = _verified_for_finish(old_challenge_id, old_phone, OtpPurpose.CHANGE_MOBILE_OLD)
    new = _verified_for_finish(new_challenge_id, new_phone, OtpPurpose.CHANGE_MOBILE_NEW)
    if old is None or new is None or old.user_id != user.pk or new.user_id != user.pk:
        if user.username == new_phone and otp.otp_recently_consumed(
            challenge_id=new_challenge_id, phone=new_phone, purpose=OtpPurpose.CHANGE_MOBILE_NEW
        ):
            return user  # a double-clicked submit: already done
        raise otp.OtpExpired()
    taken = Conflict(_("This mobile number is already registered with another account."))
    if User.objects.filter(Q(mobile=new_phone) | Q(username=new_phone)).exclude(pk=user.pk).exists():
        raise taken
    otp.otp_consume(old)
    otp.otp_consume(new)
    user.username = new_phone
    user.mobile = new_phone
    try:
        with transaction.atomic():
            user.save(update_fields=["username", "mobile"])
    except IntegrityError:
        raise taken from None
    sessions_end_for_user(user=user, keep_session_key=keep_session_key)
    devices_revoke_others(user=user, keep_token=keep_device_token)
    from sheba.notifications.services import notify

    notify(
        event="mobile_changed_old",
        context={"new_mobile_masked": mask_mobile(new_phone)},
        sms_to=old_phone,
        user=user,
        language=language,
    )
    audit_record(
        actor=user,
        action="mobile.changed",
        object_type="user",
        object_id=str(user.public_id),
        data={"old": mask_mobile(old_phone), "new": mask_mobile(new_phone)},
    )
    actor.username = actor.mobile = new_phone
    return user
