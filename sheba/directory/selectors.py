"""Reads for the directory: who holds which post on a day, and the address pickers' lists."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from sheba.core import clock
from sheba.directory.models import District, Division, Post, PostTerm, Union, Upazila


def _covering(on: date | None) -> Q:
    day = on or clock.today()
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def terms_held_by(user, *, on: date | None = None) -> QuerySet[PostTerm]:
    """The user's terms that cover ``on`` (default today), acting-in-charge ones included;
    ``is_acting`` tells which to badge as ভারপ্রাপ্ত."""
    if not getattr(user, "pk", None):
        return PostTerm.objects.none()
    return (
        PostTerm.objects.filter(_covering(on), person=user)
        .select_related("post", "post__office", "post__unit")
        .order_by("post__office__name_en", "post__name_en", "pk")
    )


def posts_held_by(user, *, on: date | None = None) -> QuerySet[Post]:
    """Posts the user holds on ``on`` (default today), as holder or acting-in-charge."""
    if not getattr(user, "pk", None):
        return Post.objects.none()
    post_ids = PostTerm.objects.filter(_covering(on), person=user).values("post_id")
    return Post.objects.filter(pk__in=post_ids).select_related("office", "unit")


def holders_of(post: Post, *, on: date | None = None):
    """People holding ``post`` on ``on`` (default today), acting-in-charge included."""
    person_ids = PostTerm.objects.filter(_covering(on), post=post).values("person_id")
    return get_user_model().objects.filter(pk__in=person_ids)


def _by_name(queryset: QuerySet) -> QuerySet:
    """Bengali pages list places by Bengali name, English pages by English name."""
    english = (get_language() or "bn").startswith("en")
    return queryset.order_by("name_en" if english else "name_bn", "pk")


def districts_of(division_id: int) -> QuerySet[District]:
    return _by_name(District.objects.filter(division_id=division_id))


def upazilas_of(district_id: int) -> QuerySet[Upazila]:
    return _by_name(Upazila.objects.filter(district_id=district_id))


def unions_of(upazila_id: int) -> QuerySet[Union]:
    """The upazila's unions, without the rows the source lists twice."""
    return _by_name(Union.objects.filter(upazila_id=upazila_id, duplicate_of__isnull=True))


def divisions() -> QuerySet[Division]:
    return _by_name(Division.objects.all())
