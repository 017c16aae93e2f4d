"""Officers' sign-in: login name + password, then a TOTP code from their authenticator app.

Never SMS for officers (SECURITY.md). Every wrong password or code adds to the account's
``consecutive_failures``; at 100 the account locks until an administrator unlocks it. Ten
wrong codes in one sign-in void that step: the officer starts again with the password.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.accounts.models import User, UserKind
from sheba.audit.services import audit_record
from sheba.core import clock, ratelimit
from sheba.core.bengali import to_ascii_digits, to_bn_digits
from sheba.core.errors import DomainError, RateLimited

TOTP_WRONG_PER_STEP = 10
FAILURES_PER_IP_HOUR = 20
PENDING_STEP_SECONDS = 300


class SignInRefused(DomainError):
    code = "sign_in_refused"
    status = 400
    default_message = _("The login name or the password is not right.")


class AccountLocked(DomainError):
    code = "account_locked"
    status = 403
    default_message = _(
        "This account is locked after too many failed sign-in attempts. Ask the administrator to unlock it."
    )


class NoAuthenticator(DomainError):
    code = "no_authenticator"
    status = 403
    default_message = _(
        "No authenticator app is set up for this account yet, so you cannot sign in. "
        "Ask the administrator to set one up for you."
    )


class WrongCode(DomainError):
    code = "wrong_code"
    status = 400
    default_message = _("The code is not right. Check the code in your authenticator app and try again.")


class StepVoided(DomainError):
    code = "step_voided"
    status = 400
    default_message = _("Too many wrong codes. Sign in again with your login name and password.")


def officer_failure_record(*, user: User) -> bool:
    """Count one failed sign-in step (committed at once); the 100th in a row locks the account.
    Returns True if the account is now locked."""
    from sheba.accounts.services import sign_in_failed

    sign_in_failed(user_id=user.pk)
    return User.objects.filter(pk=user.pk, locked_at__isnull=False).exists()


def confirmed_totp_devices(user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk"))


def _ip_rules(ip: str | None) -> list[ratelimit.Rule]:
    return [ratelimit.Rule(key=f"officer-login-failures:{ip}", limit=FAILURES_PER_IP_HOUR, window=3600)] if ip else []


def _wait_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return to_bn_digits(minutes) if (get_language() or "bn").startswith("bn") else str(minutes)


def officer_password_check(*, username: str, password: str, ip: str | None = None) -> User:
    """Step 1. Only officers may pass; citizens and unknown names get the same answer as a wrong password.
    At most 20 failed attempts an hour from one address, whatever the names tried (password spraying)."""
    rules = _ip_rules(ip)
    wait = ratelimit.peek(rules) if rules else 0
    if wait:
        raise RateLimited(
            _("Too many failed sign-in attempts from this network. Try again in %(minutes)s minutes.")
            % {"minutes": _wait_text(wait)},
            retry_after=wait,
        )
    username = (username or "").strip()
    user = User.objects.filter(username=username, kind=UserKind.OFFICER).first() if username else None
    if user is None:
        User().set_password(password)  # same work as a real check, so timing does not tell names apart
        if rules:
            ratelimit.hit(rules)
        raise SignInRefused()
    if not user.check_password(password or ""):
        if rules:
            ratelimit.hit(rules)
        officer_failure_record(user=user)
        raise SignInRefused()
    if not user.is_active:
        raise SignInRefused()
    if user.locked_at is not None:
        raise AccountLocked()
    if not confirmed_totp_devices(user):
        raise NoAuthenticator()
    return user


def officer_totp_verify(*, user: User, code: str, wrong_so_far: int) -> TOTPDevice:
    """Step 2. A code good once (django-otp refuses a code already used); 10 wrong ones void the step."""
    user.refresh_from_db()
    if user.locked_at is not None or not user.is_active:
        raise AccountLocked()
    if wrong_so_far >= TOTP_WRONG_PER_STEP:
        raise StepVoided()
    devices = confirmed_totp_devices(user)
    if not devices:
        raise NoAuthenticator()
    token = to_ascii_digits((code or "").strip()).replace(" ", "")
    allowed = False
    wait_seconds = 0
    for device in devices:
        ok, info = device.verify_is_allowed()
        if ok:
            allowed = True
        elif info and info.get("locked_until"):
            wait_seconds = max(wait_seconds, int((info["locked_until"] - clock.now()).total_seconds()) + 1)
    if not allowed:
        shown = to_bn_digits(wait_seconds) if (get_language() or "bn").startswith("bn") else str(wait_seconds)
        raise RateLimited(
            _("Too many wrong codes in a short time. Wait %(seconds)s seconds, then enter the newest code.")
            % {"seconds": shown},
            retry_after=wait_seconds,
        )
    if token.isdigit() and len(token) == 6:
        for device in devices:
            with transaction.atomic():
                locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
                if locked.verify_token(token):
                    User.objects.filter(pk=user.pk).update(consecutive_failures=0)
                    audit_record(
                        actor=user, action="officer.login", object_type="accounts.user",
                        object_id=str(user.public_id), data={"device": locked.persistent_id},
                    )
                    return locked
    else:
        for device in devices:  # a malformed code still counts as a guess against the device
            device.throttle_increment(commit=True)
    if officer_failure_record(user=user):
        raise AccountLocked()
    if wrong_so_far + 1 >= TOTP_WRONG_PER_STEP:
        raise StepVoided()
    raise WrongCode()


def pending_step(session: Any) -> dict[str, Any] | None:
    """The half-finished sign-in kept in the session between the password and the code; it lapses
    5 minutes after the password or the latest wrong code."""
    step = session.get("officer_pending")
    if not step:
        return None
    if clock.now().timestamp() - float(step.get("at", 0)) > PENDING_STEP_SECONDS:
        session.pop("officer_pending", None)
        return None
    return step
