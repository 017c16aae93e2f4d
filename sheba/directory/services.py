"""Writes for the directory: who holds which post (পদবি), over which dates.

Geography import and the standard offices live in ``geo.py`` and ``seeding.py`` (system jobs
run by management commands); ``office_types_ensure`` and ``offices_seed`` are re-exported here.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sheba.audit.services import audit_record
from sheba.core.errors import InvalidInput
from sheba.directory.geo import geo_import
from sheba.directory.models import Post, PostTerm
from sheba.directory.seeding import office_types_ensure, offices_seed

__all__ = [
    "geo_import",
    "office_types_ensure",
    "offices_seed",
    "post_term_assign",
    "post_term_check",
    "post_term_end",
    "post_term_end_check",
]


def _overlapping(post: Post, starts_on: date, ends_on: date | None):
    """Terms on ``post`` that share at least one day with [starts_on, ends_on] (open-ended when None)."""
    terms = PostTerm.objects.filter(post=post).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        terms = terms.filter(starts_on__lte=ends_on)
    return terms


def post_term_check(
    *, post: Post, person, starts_on: date, ends_on: date | None = None, is_acting: bool = False
) -> None:
    """Raise InvalidInput when the term may not be given. Used by ``post_term_assign`` and by forms
    (the admin) to show the refusal before saving."""
    if person is None or not getattr(person, "is_officer", False):
        raise InvalidInput(_("Only an officer can hold a post."))
    if not person.is_active:
        raise InvalidInput(_("This officer's account is not active."))
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("A term cannot end before it starts."))
    overlapping = _overlapping(post, starts_on, ends_on)
    if overlapping.filter(person=person).exists():
        raise InvalidInput(_("This officer already holds this post for some of these dates."))
    if not is_acting and overlapping.filter(is_acting=False).exists():
        raise InvalidInput(
            _(
                "Someone already holds this post for some of these dates. End that term first, "
                "or give this one as acting-in-charge."
            )
        )


@transaction.atomic
def post_term_assign(
    *, actor, post: Post, person, starts_on: date, ends_on: date | None = None, is_acting: bool = False
) -> PostTerm:
    """Give ``person`` (an officer) ``post`` from ``starts_on`` to ``ends_on`` (open-ended when None).

    A post has at most one regular holder on any day; acting-in-charge terms (ভারপ্রাপ্ত) may
    overlap a regular one. Audited.
    """
    # Lock the post so two assignments of the same post cannot both pass the overlap check.
    post = Post.objects.select_for_update().get(pk=post.pk)
    post_term_check(post=post, person=person, starts_on=starts_on, ends_on=ends_on, is_acting=is_acting)
    term = PostTerm.objects.create(
        post=post, person=person, starts_on=starts_on, ends_on=ends_on, is_acting=is_acting
    )
    audit_record(
        actor=actor,
        action="directory.post_term_assign",
        object_type="directory.postterm",
        object_id=str(term.pk),
        data={
            "post": post.pk,
            "office": post.office_id,
            "person": person.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
            "is_acting": is_acting,
        },
    )
    return term


def post_term_end_check(*, term: PostTerm, ends_on: date | None) -> None:
    """Raise InvalidInput when ``term`` may not end on ``ends_on`` (``term`` as saved)."""
    if ends_on is None:
        raise InvalidInput(_("Give the last day of the term."))
    if ends_on < term.starts_on:
        raise InvalidInput(_("A term cannot end before it starts."))
    if term.ends_on is not None and term.ends_on <= ends_on:
        raise InvalidInput(_("This term already ends on or before that date."))


@transaction.atomic
def post_term_end(*, actor, term: PostTerm, ends_on: date) -> PostTerm:
    """End a term on ``ends_on`` (the last day it covers). A term can be shortened, never lengthened
    (lengthening could overlap the next holder's term). Audited."""
    term = PostTerm.objects.select_for_update().get(pk=term.pk)
    post_term_end_check(term=term, ends_on=ends_on)
    previous = term.ends_on
    term.ends_on = ends_on
    term.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="directory.post_term_end",
        object_type="directory.postterm",
        object_id=str(term.pk),
        data={
            "post": term.post_id,
            "person": term.person_id,
            "ends_on": ends_on.isoformat(),
            "previous_ends_on": previous.isoformat() if previous else None,
        },
    )
    return term
