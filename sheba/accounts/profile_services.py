"""Writes for the citizen's profile and e-mail confirmation. Every profile save is audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sheba.accounts.forms_profile import ADDRESS_PREFIXES, LEVELS, PARENT_FIELD
from sheba.accounts.models import EmailVerification, IdentityKind, Profile, User
from sheba.accounts.selectors import mask_identity, pending_email_verification
from sheba.audit.services import audit_record
from sheba.core import clock
from sheba.core.errors import InvalidInput, PermissionDenied, RateLimited

EMAIL_VERIFY_TTL = timedelta(hours=24)
EMAIL_VERIFY_PER_DAY = 5
EMAIL_RESEND_COOLDOWN_SECONDS = 60

TEXT_FIELDS = ("name_bn", "name_en", "father_name", "mother_name")
ADDRESS_FIELDS = tuple(f"{p}_{level}" for p in ADDRESS_PREFIXES for level in (*LEVELS, "line"))
PROFILE_FIELDS = (*TEXT_FIELDS, "date_of_birth", "identity_kind", "identity_number", *ADDRESS_FIELDS)
FOREIGN_KEYS = {f"{p}_{level}" for p in ADDRESS_PREFIXES for level in LEVELS}


class EmailLinkInvalid(InvalidInput):
    """The confirmation link cannot be used. ``reason`` is unknown, expired, used or replaced."""

    code = "email_link"

    def __init__(self, reason: str):
        super().__init__(_("This confirmation link cannot be used."))
        self.reason = reason


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit_value(field: str, value: Any) -> Any:
    if field == "identity_number":
        return mask_identity(value or "")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _check_address(data: dict[str, Any]) -> None:
    """The pickers' rule again, for callers other than the form: each place lies under its parent."""
    for prefix in ADDRESS_PREFIXES:
        for level in ("district", "upazila", "union"):
            place = data.get(f"{prefix}_{level}")
            if place is None:
                continue
            parent = data.get(f"{prefix}_{PARENT_FIELD[level]}")
            if parent is None or getattr(place, f"{PARENT_FIELD[level]}_id") != parent.pk:
                raise InvalidInput(_("The address does not fit together: check the division, district and upazila."))


@transaction.atomic(durable=True)
def profile_update(*, actor: User, user: User, data: dict[str, Any], language: str | None = None) -> Profile:
    """Save what the citizen changed. One audit row lists each changed field with its old and new value
    (the NID masked to its last 4 digits); a new e-mail address is only used once its link is confirmed."""
    if actor.pk != user.pk:
        raise PermissionDenied()
    if data.get("identity_number") and data.get("identity_kind") not in IdentityKind.values:
        raise InvalidInput(_("Say whether this is an NID or a birth registration number."))
    _check_address(data)
    user = User.objects.select_for_update().get(pk=user.pk)
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)

    changes: dict[str, dict[str, Any]] = {}
    for field in PROFILE_FIELDS:
        if field not in data:
            continue
        new = data[field]
        if field in FOREIGN_KEYS:
            old_id = getattr(profile, f"{field}_id")
            new_id = new.pk if new is not None else None
            if old_id != new_id:
                changes[field] = {"old": old_id, "new": new_id}
                setattr(profile, field, new)
            continue
        if new is None and field != "date_of_birth":
            new = ""
        old = getattr(profile, field)
        if old != new:
            changes[field] = {"old": _audit_value(field, old), "new": _audit_value(field, new)}
            setattr(profile, field, new)

    if "email" in data:
        change = _email_change(user=user, email=(data["email"] or "").strip(), language=language)
        if change:
            changes.update(change)

    if changes:
        profile.save()
        audit_record(
            actor=actor, action="profile.update", object_type="accounts.profile",
            object_id=str(user.public_id), data={"changes": changes},
        )
    return profile


def _email_change(*, user: User, email: str, language: str | None) -> dict[str, dict[str, Any]]:
    current = user.email
    pending = pending_email_verification(user)
    same_as_current = email.lower() == current.lower() if current else False
    if not email:
        if pending is not None:
            _cancel(pending)
        if current:
            user.email = ""
            user.email_verified_at = None
            user.save(update_fields=["email", "email_verified_at"])
            return {"email": {"old": current, "new": ""}}
        if pending is not None:
            return {"email_pending": {"old": pending.email, "new": ""}}
        return {}
    if same_as_current:
        if pending is not None:
            _cancel(pending)
            return {"email_pending": {"old": pending.email, "new": ""}}
        return {}
    if pending is not None and pending.email.lower() == email.lower():
        return {}
    _start_verification(user=user, email=email, language=language)
    return {"email_pending": {"old": pending.email if pending else "", "new": email}}


def _cancel(verification: EmailVerification) -> None:
    """A newer choice makes an unconfirmed link useless: it expires now."""
    now = max(clock.now(), verification.created_at + timedelta(microseconds=1))
    EmailVerification.objects.filter(pk=verification.pk).update(expires_at=now)


def _start_verification(*, user: User, email: str, language: str | None) -> EmailVerification:
    now = clock.now()
    sent_today = EmailVerification.objects.filter(user=user, created_at__gt=now - timedelta(days=1)).count()
    if sent_today >= EMAIL_VERIFY_PER_DAY:
        raise RateLimited(
            _("We have sent too many confirmation e-mails to you today. Please try again tomorrow."),
            retry_after=24 * 3600,
        )
    token = secrets.token_urlsafe(32)
    verification = EmailVerification.objects.create(
        user=user, email=email, token_hash=_hash_token(token), created_at=now, expires_at=now + EMAIL_VERIFY_TTL,
    )
    link = settings.SHEBA_SITE_URL.rstrip("/") + reverse("accounts:email_verify", kwargs={"token": token})
    profile = Profile.objects.filter(user=user).first()
    name = (profile.name_bn or profile.name_en) if profile else ""
    from sheba.notifications.services import notify

    notify(
        event="email_verify",
        context={"link": link, "name": name},
        email_to=email,
        user=user,
        language=language or user.preferred_language or "bn",
        expires_at=verification.expires_at,
    )
    return verification


@transaction.atomic(durable=True)
def email_verification_resend(*, actor: User, language: str | None = None) -> EmailVerification:
    """Send the link for the waiting address again: not within 60 s of the last one, at most 5 a day."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    pending = pending_email_verification(user)
    if pending is None:
        raise InvalidInput(_("No e-mail address is waiting for confirmation."))
    waited = (clock.now() - pending.created_at).total_seconds()
    if waited < EMAIL_RESEND_COOLDOWN_SECONDS:
        raise RateLimited(
            _("We have just sent the e-mail. Please wait a minute before asking again."),
            retry_after=int(EMAIL_RESEND_COOLDOWN_SECONDS - waited) + 1,
        )
    verification = _start_verification(user=user, email=pending.email, language=language)
    _cancel(pending)
    audit_record(
        actor=actor, action="email.resend", object_type="accounts.profile",
        object_id=str(user.public_id), data={"email": pending.email},
    )
    return verification


def email_verification_state(verification: EmailVerification | None) -> str:
    """valid, unknown, used, expired, or replaced (a newer link was sent since)."""
    if verification is None:
        return "unknown"
    if verification.confirmed_at is not None:
        return "used"
    newer = EmailVerification.objects.filter(
        user_id=verification.user_id, created_at__gt=verification.created_at
    ).exists()
    if newer:
        return "replaced"
    if verification.expires_at <= clock.now():
        return "expired"
    return "valid"


def email_verification_find(token: str) -> EmailVerification | None:
    if not token or len(token) > 100:
        return None
    return EmailVerification.objects.select_related("user").filter(token_hash=_hash_token(token)).first()


@transaction.atomic(durable=True)
def email_verification_confirm(*, token: str) -> EmailVerification:
    """The link proves the address: it becomes the account's e-mail. Good once, for 24 hours."""
    found = email_verification_find(token)
    if found is None:
        raise EmailLinkInvalid("unknown")
    verification = EmailVerification.objects.select_for_update().get(pk=found.pk)
    state = email_verification_state(verification)
    if state != "valid":
        raise EmailLinkInvalid(state)
    now = clock.now()
    verification.confirmed_at = now
    verification.save(update_fields=["confirmed_at"])
    user = User.objects.select_for_update().get(pk=verification.user_id)
    old = user.email
    user.email = verification.email
    user.email_verified_at = now
    user.save(update_fields=["email", "email_verified_at"])
    audit_record(
        actor=user, action="email.verified", object_type="accounts.profile", object_id=str(user.public_id),
        data={"changes": {"email": {"old": old, "new": verification.email}}},
    )
    return verification
