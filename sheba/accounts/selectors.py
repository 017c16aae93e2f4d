"""Reads for accounts: the citizen's profile and dashboard, pending e-mail, officers' posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sheba.accounts.models import EmailVerification, IdentityKind, Profile, User
from sheba.core import clock
from sheba.directory.models import Office


def profile_of(user: User) -> Profile:
    """The user's profile; an unsaved empty one when they have not filled anything in yet."""
    try:
        return Profile.objects.select_related(
            "present_division", "present_district", "present_upazila", "present_union",
            "permanent_division", "permanent_district", "permanent_upazila", "permanent_union",
        ).get(user=user)
    except Profile.DoesNotExist:
        return Profile(user=user)


@dataclass(frozen=True)
class Completeness:
    done: int
    total: int
    missing: list[Promise]

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def profile_completeness(profile: Profile) -> Completeness:
    """What the citizen still has to fill in before applications can be prefilled."""
    user = profile.user
    checks: list[tuple[Promise, bool]] = [
        (_("Name in Bengali"), bool(profile.name_bn)),
        (_("Name in English"), bool(profile.name_en)),
        (_("Father's name"), bool(profile.father_name)),
        (_("Mother's name"), bool(profile.mother_name)),
        (_("Date of birth"), profile.date_of_birth is not None),
        (_("NID or birth registration number"), bool(profile.identity_number)),
        (_("Present address"), profile.present_upazila_id is not None),
        (_("Permanent address"), profile.permanent_upazila_id is not None),
        (_("Confirmed e-mail address"), bool(user.email and user.email_verified_at)),
    ]
    missing = [label for label, ok in checks if not ok]
    return Completeness(done=len(checks) - len(missing), total=len(checks), missing=missing)


def pending_email_verification(user: User) -> EmailVerification | None:
    """The newest e-mail address the user asked for and has not confirmed yet (if still valid)."""
    latest = EmailVerification.objects.filter(user=user).order_by("-created_at").first()
    if latest is None or latest.confirmed_at is not None or latest.expires_at <= clock.now():
        return None
    return latest


def mask_identity(number: str) -> str:
    """Show only the last 4 digits of an NID or birth registration number."""
    if not number:
        return ""
    return "•" * max(len(number) - 4, 0) + number[-4:]


def identity_label(kind: str) -> Any:
    return IdentityKind(kind).label if kind in IdentityKind.values else ""


def officer_posts(user: User, on: date | None = None) -> list:
    """The terms (PostTerm) through which an officer acts on a day, with post, unit and office loaded."""
    from sheba.directory.selectors import terms_held_by

    return list(terms_held_by(user, on=on or clock.today()))


def officer_offices(user: User, on: date | None = None) -> QuerySet[Office]:
    """Offices in which the officer holds a post (substantive or acting) on ``on`` (default: today)."""
    office_ids = {term.post.office_id for term in officer_posts(user, on=on)}
    return Office.objects.filter(pk__in=office_ids).order_by("name_en")
