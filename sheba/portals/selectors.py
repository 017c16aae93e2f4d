"""Reads for the union portals (ইউনিয়ন পোর্টাল): find a union by its portal name or host, its Union
Parishad office, the services it offers with their fees there, and its chairman and secretary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from sheba.catalog.models import Service, ServiceFee
from sheba.core.errors import NotFound
from sheba.core.money import Money
from sheba.directory.enums import OfficeTypeCode, PostCode
from sheba.directory.models import District, Office, Post, Union, Upazila
from sheba.directory.selectors import _covering

SEARCH_LIMIT = 60
RESERVED_LABELS = {"www", "api", "admin", "static", "media"}


def base_domain() -> str:
    return (getattr(settings, "SHEBA_BASE_DOMAIN", "") or "").strip(".").lower()


def portal_label_from_host(host: str) -> str | None:
    """``paikkandiup.sheba.gov.bd`` -> ``paikkandiup`` (and ``paikkandiup.gopalganj`` for the
    official two-label form); None for the base domain itself and every other host."""
    base = base_domain()
    name = (host or "").split(":", 1)[0].strip(".").lower()
    if not base or not name.endswith("." + base):
        return None
    label = name[: -len(base) - 1]
    if not label or label in RESERVED_LABELS or label.count(".") > 1:
        return None
    return label


def _unions() -> QuerySet[Union]:
    return Union.objects.filter(duplicate_of__isnull=True).select_related("upazila", "upazila__district")


def union_portal_get(slug: str) -> Union:
    """The union whose portal is ``slug``; NotFound for anything else (duplicates included)."""
    text = (slug or "").strip().lower()[:120]
    found = _unions().filter(portal_slug=text).first() if text else None
    if found is None:
        raise NotFound()
    return found


def union_for_host_label(label: str) -> Union:
    """A union host label: its portal name, or the official host's first two labels
    (``paikkandiup.gopalganj`` as in paikkandiup.gopalganj.gov.bd)."""
    if "." not in label:
        return union_portal_get(label)
    official = f"{label}.gov.bd"
    found = _unions().filter(Q(website__iexact=official) | Q(website__iexact="www." + official)).first()
    if found is None:
        raise NotFound()
    return found


def unions_named_like(slug: str) -> list[Union]:
    """Unions whose website starts with ``slug`` (a short name several unions share), for the
    "did you mean" list of the not-found page."""
    text = (slug or "").strip().lower()[:100]
    if not text:
        return []
    return list(_unions().filter(slug=text).exclude(portal_slug__isnull=True).order_by("upazila__district__name_en")[:20])


def union_office(union: Union) -> Office | None:
    return (
        Office.objects.filter(office_type__code=OfficeTypeCode.UNION_PARISHAD, union=union, is_active=True)
        .select_related("office_type")
        .first()
    )


@dataclass(frozen=True)
class OfferedService:
    service: Service
    fee: Money | None
    fee_note: str
    charter_days: int | None


def office_services(office: Office) -> list[OfferedService]:
    """The published services citizens can ask this office for, with the office's own fee where
    recorded (else the service's default), in the page's language order."""
    offered = (
        Service.objects.filter(is_published=True)
        .filter(
            Q(offered_everywhere_of_type=True)
            & (Q(office_type_id=office.office_type_id) | Q(other_office_types=office.office_type_id))
            | Q(offered_everywhere_of_type=False, offering_offices=office)
        )
        .distinct()
    )
    english = (get_language() or "bn").startswith("en")
    services = sorted(offered, key=lambda s: ((s.name_en or s.name_bn) if english else s.name_bn, s.pk))
    fees = {row.service_id: row for row in ServiceFee.objects.filter(office=office, service__in=[s.pk for s in services])}
    result = []
    for service in services:
        row = fees.get(service.pk)
        amount = row.amount if row is not None and row.amount is not None else service.default_fee
        days = row.charter_days if row is not None and row.charter_days is not None else service.charter_days
        result.append(OfferedService(service, amount, row.note_bn if row is not None else "", days))
    return result


@dataclass(frozen=True)
class Official:
    post: Post
    holders: list[tuple[str, bool]]  # (name, is acting-in-charge)


def office_officials(office: Office) -> list[Official]:
    """The chairman and the secretary: their posts and who holds them today."""
    posts = {p.code: p for p in Post.objects.filter(office=office, code__in=[PostCode.UP_CHAIRMAN, PostCode.UP_SECRETARY])}
    found = []
    for code in (PostCode.UP_CHAIRMAN, PostCode.UP_SECRETARY):
        post = posts.get(code)
        if post is None:
            continue
        terms = post.terms.filter(_covering(None)).select_related("person", "person__profile").order_by("is_acting", "pk")
        found.append(Official(post, [(_person_name(t.person), t.is_acting) for t in terms]))
    return found


def _person_name(person: Any) -> str:
    profile = getattr(person, "profile", None)
    if profile is not None:
        english = (get_language() or "bn").startswith("en")
        return (profile.name_en or profile.name_bn) if english else (profile.name_bn or profile.name_en)
    return str(person)


def unions_search(*, district_id: int | None, upazila_id: int | None, text: str) -> list[Union]:
    """Unions (each once) of an upazila or district, or whose name contains ``text``."""
    found = _unions().exclude(portal_slug__isnull=True)
    if upazila_id:
        found = found.filter(upazila_id=upazila_id)
    elif district_id:
        found = found.filter(upazila__district_id=district_id)
    if text:
        found = found.filter(Q(name_bn__icontains=text) | Q(name_en__icontains=text) | Q(portal_slug__icontains=text))
    if not (upazila_id or district_id or text):
        return []
    english = (get_language() or "bn").startswith("en")
    return list(found.order_by("name_en" if english else "name_bn", "pk")[:SEARCH_LIMIT])


def districts() -> QuerySet[District]:
    english = (get_language() or "bn").startswith("en")
    return District.objects.order_by("name_en" if english else "name_bn", "pk")


def upazilas_of(district_id: int | None) -> QuerySet[Upazila]:
    if not district_id:
        return Upazila.objects.none()
    english = (get_language() or "bn").startswith("en")
    return Upazila.objects.filter(district_id=district_id).order_by("name_en" if english else "name_bn", "pk")


def portal_host(union: Union) -> str:
    """The union's own host name (without scheme or port)."""
    base = base_domain()
    return f"{union.portal_slug}.{base}" if base and union.portal_slug else ""
