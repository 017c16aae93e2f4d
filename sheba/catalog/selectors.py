"""Reads of the catalogue: browse, search (ranked, typo- and transliteration-tolerant), one
service's charter and its fee at an office."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import NoReverseMatch, reverse

from sheba.catalog.models import RecipientType, Sector, Service, ServiceFee
from sheba.catalog.search import fold, normalise, word_similarity
from sheba.core.errors import NotFound
from sheba.core.money import Money
from sheba.directory.models import Office, OfficeType

MAX_QUERY = 200  # characters of a query that are looked at; the rest is ignored
THRESHOLD = 0.3  # pg_trgm word similarity a result needs
CONTEXT_WEIGHT = 0.8  # a match on the sector or office type counts less than one on the name


def published_services() -> QuerySet[Service]:
    return Service.objects.filter(is_published=True).select_related("sector", "office_type")


def services_browse(
    *, recipient: str = "", sector: str = "", office_type: str = "", services: QuerySet[Service] | None = None
) -> QuerySet[Service]:
    """Published services filtered by recipient type, sector and office type codes (empty: all)."""
    found = published_services() if services is None else services
    if recipient:
        found = found.filter(recipient_types__code=recipient)
    if sector:
        found = found.filter(sector__code=sector)
    if office_type:
        found = found.filter(Q(office_type__code=office_type) | Q(other_office_types__code=office_type))
    return found.distinct().order_by("sector__position", "name_bn")


def facets() -> dict[str, list]:
    """The choices for browsing, each with how many published services it has."""
    live = Q(services__is_published=True)
    return {
        "recipients": list(
            RecipientType.objects.annotate(n=Count("services", filter=live, distinct=True)).filter(n__gt=0)
        ),
        "sectors": list(
            Sector.objects.annotate(n=Count("services", filter=live, distinct=True)).filter(n__gt=0)
        ),
        "office_types": _office_type_facets(),
    }


def _office_type_facets() -> list[OfficeType]:
    """Office types providing published services, as provider or as another provider (birth
    registration at a paurashava), each with ``n``: how many services."""
    providing: dict[int, set[int]] = {}
    published = Service.objects.filter(is_published=True)
    for service_id, type_id in published.values_list("pk", "office_type_id"):
        providing.setdefault(type_id, set()).add(service_id)
    through = Service.other_office_types.through
    for service_id, type_id in through.objects.filter(service__is_published=True).values_list(
        "service_id", "officetype_id"
    ):
        providing.setdefault(type_id, set()).add(service_id)
    types = list(OfficeType.objects.filter(pk__in=providing).order_by("name_en"))
    for office_type in types:
        office_type.n = len(providing[office_type.pk])  # type: ignore[attr-defined]
    return types


# --- What the catalogue looks like now, for caches of its pages ---------------------------------

_FINGERPRINT_SQL = (
    "SELECT count(*), sum(CASE WHEN is_published THEN 1 ELSE 0 END), max(id), max(updated_at), sum(version)"
    " FROM catalog_service"
)
_local_changes = [0]  # catalogue rows saved or deleted in this process (sectors, types, links too)


def catalog_fingerprint() -> tuple[Any, ...]:
    """Changes whenever the catalogue does: one aggregate query over the services (a new,
    deleted, published or unpublished service, any save — ``updated_at`` — or version bump),
    plus this process's count of saved sectors, recipient and office types and service links.
    Caches of catalogue pages key on it (and still expire after a minute, for changes
    elsewhere to those small tables)."""
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL)
        row = cursor.fetchone()
    return (*row, _local_changes[0])


def _catalog_changed(**_kwargs: Any) -> None:
    _local_changes[0] += 1


for _sender in (Service, Sector, RecipientType, OfficeType, ServiceFee, Service.recipient_types.through,
                Service.other_office_types.through):
    post_save.connect(_catalog_changed, sender=_sender, weak=False, dispatch_uid=f"sheba-catalog-{_sender.__name__}")
    post_delete.connect(_catalog_changed, sender=_sender, weak=False,
                        dispatch_uid=f"sheba-catalog-d-{_sender.__name__}")
m2m_changed.connect(_catalog_changed, sender=Service.recipient_types.through, weak=False,
                    dispatch_uid="sheba-catalog-m2m-recipients")
m2m_changed.connect(_catalog_changed, sender=Service.other_office_types.through, weak=False,
                    dispatch_uid="sheba-catalog-m2m-types")


@dataclass(frozen=True)
class SearchHit:
    service: Service
    score: float


def _scores_postgresql(key: str, ids: list[int] | None) -> dict[int, float]:
    sql = (
        "SELECT id, GREATEST(word_similarity(%s, search_key), %s * word_similarity(%s, search_context)) "
        "FROM catalog_service WHERE is_published AND (%s <%% search_key OR %s <%% search_context)"
    )
    params: list = [key, CONTEXT_WEIGHT, key, key, key]
    if ids is not None:
        sql += " AND id = ANY(%s)"
        params.append(ids)
    with transaction.atomic(), connection.cursor() as cursor:
        # The <% operator (served by the GIN trigram indexes) uses this threshold.
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [THRESHOLD * CONTEXT_WEIGHT])
        cursor.execute(sql, params)
        return {pk: float(score) for pk, score in cursor.fetchall()}


def _scores_python(key: str, services: QuerySet[Service]) -> dict[int, float]:
    scores = {}
    for pk, names, context in services.values_list("pk", "search_key", "search_context"):
        score = max(word_similarity(key, names), CONTEXT_WEIGHT * word_similarity(key, context))
        if score >= THRESHOLD * CONTEXT_WEIGHT:
            scores[pk] = score
    return scores


def _name_bonus(query: str, service: Service) -> float:
    """Exact names first, then names that start with or contain what was typed."""
    bonus = 0.0
    for name in (service.name_bn, service.name_en):
        text = normalise(name)
        if query == text:
            return 2.0
        if text.startswith(query):
            bonus = max(bonus, 0.5)
        elif len(query) >= 2 and query in text:
            bonus = max(bonus, 0.3)
    return bonus


def search_services(
    query: str, *, services: QuerySet[Service] | None = None, limit: int = 30
) -> list[SearchHit]:
    """Published services matching the query by name, sector or office type — Bengali, English
    or Bengali in Latin letters, typos tolerated — best first.

    On PostgreSQL the trigram indexes find the candidates (pg_trgm); elsewhere the same scores
    are computed in Python over the (small) catalogue. Exact and prefix name matches rank first.
    """
    text = normalise((query or "")[:MAX_QUERY])
    key = fold(text)[:MAX_QUERY]
    if not key:
        return []
    pool = published_services() if services is None else services
    if connection.vendor == "postgresql":
        ids = None if services is None else list(services.values_list("pk", flat=True))
        scores = _scores_postgresql(key, ids)
    else:
        scores = _scores_python(key, pool)
    found = {s.pk: s for s in pool.filter(pk__in=list(scores))}
    hits = []
    for pk, score in scores.items():
        service = found.get(pk)
        if service is None:
            continue
        total = score + _name_bonus(text, service)
        if total >= THRESHOLD:
            hits.append(SearchHit(service=service, score=total))
    hits.sort(key=lambda hit: (-hit.score, hit.service.name_bn))
    return hits[:limit]


def service_for_citizen(slug: str) -> Service:
    """A published service by slug, or NotFound."""
    service = (
        published_services()
        .prefetch_related("recipient_types", "other_office_types", "documents")
        .filter(slug=slug[:80])
        .first()
    )
    if service is None:
        raise NotFound()
    return service


def service_fees(service: Service) -> list[ServiceFee]:
    """The fee rows of offices whose fee is known to differ or be recorded, by office name."""
    return list(
        service.fees.select_related("office", "office__union", "office__upazila").order_by("office__name_bn")
    )


@dataclass(frozen=True)
class FeeAtOffice:
    office: Office | None
    amount: Money | None
    note: str
    charter_days: int | None
    online_collection_enabled: bool
    specific: bool  # True when the office has its own fee row


def service_fee_at(service: Service, office: Office | None) -> FeeAtOffice:
    """The fee a citizen pays for ``service`` at ``office``: the office's own fee when recorded,
    otherwise the service's default fee (None amount: not stated / per schedule)."""
    if office is not None:
        row = service.fees.filter(office=office).first()
        if row is not None:
            return FeeAtOffice(
                office=office,
                amount=row.amount if row.amount is not None else service.default_fee,
                note=row.note_bn,
                charter_days=row.charter_days if row.charter_days is not None else service.charter_days,
                online_collection_enabled=row.online_collection_enabled,
                specific=True,
            )
    return FeeAtOffice(
        office=office,
        amount=service.default_fee,
        note="",
        charter_days=service.charter_days,
        online_collection_enabled=False,
        specific=False,
    )


def offices_offering(service: Service) -> QuerySet[Office]:
    """The active offices where the service can be asked for: every office of its office types,
    or only the listed offering offices when it is not offered everywhere."""
    if not service.offered_everywhere_of_type:
        return service.offering_offices.filter(is_active=True)
    type_ids = [service.office_type_id, *service.other_office_types.values_list("pk", flat=True)]
    return Office.objects.filter(is_active=True, office_type_id__in=type_ids)


def service_is_offered_at(service: Service, office: Office) -> bool:
    return offices_offering(service).filter(pk=office.pk).exists()


def apply_url(service: Service) -> str | None:
    """Where to apply for the service, once the applications app provides
    ``applications:start`` (taking the service slug); None until then."""
    if not service.has_form:
        return None
    try:
        return reverse("applications:start", kwargs={"slug": service.slug})
    except NoReverseMatch:
        return None
