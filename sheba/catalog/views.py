"""Finding a service (browse and search) and reading its citizen charter. Both pages work
without JavaScript: the filters and the office choice are plain GET forms."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sheba.catalog import selectors
from sheba.core.errors import NotFound
from sheba.directory.models import Office

CODE_MAX = 40


def _code(request: HttpRequest, name: str, allowed: set[str]) -> str:
    value = request.GET.get(name, "")[:CODE_MAX]
    return value if value in allowed else ""


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    facets = selectors.facets()
    recipient = _code(request, "recipient", {r.code for r in facets["recipients"]})
    sector = _code(request, "sector", {s.code for s in facets["sectors"]})
    office_type = _code(request, "office_type", {t.code for t in facets["office_types"]})
    query = request.GET.get("q", "")
    too_long = len(query) > selectors.MAX_QUERY
    shown_query = query[: selectors.MAX_QUERY]
    browsed = selectors.services_browse(recipient=recipient, sector=sector, office_type=office_type)
    if shown_query.strip():
        hits = selectors.search_services(shown_query, services=browsed)
        services = [hit.service for hit in hits]
    else:
        services = list(browsed)
    return render(
        request,
        "catalog/list.html",
        {
            "facets": facets,
            "services": services,
            "query": shown_query,
            "searched": bool(shown_query.strip()),
            "too_long": too_long,
            "max_query": selectors.MAX_QUERY,
            "chosen": {"recipient": recipient, "sector": sector, "office_type": office_type},
            "filtered": bool(recipient or sector or office_type),
        },
    )


@require_GET
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        service = selectors.service_for_citizen(slug)
    except NotFound:
        raise Http404 from None
    fees = selectors.service_fees(service)
    office = None
    office_error = False
    raw_office = request.GET.get("office", "")
    if raw_office:
        try:
            wanted = uuid.UUID(raw_office[:40])
        except ValueError:
            wanted = None
        office = next((fee.office for fee in fees if fee.office.public_id == wanted), None)
        if office is None:
            office = Office.objects.filter(public_id=wanted, is_active=True).first() if wanted else None
        office_error = office is None
    return render(
        request,
        "catalog/detail.html",
        {
            "service": service,
            "fees": fees,
            "office": office,
            "office_error": office_error,
            "fee_here": selectors.service_fee_at(service, office),
            "apply_url": selectors.apply_url(service),
            "documents": list(service.documents.all()),
            "recipient_types": list(service.recipient_types.all()),
            "other_office_types": list(service.other_office_types.all()),
            "offering_offices": []
            if service.offered_everywhere_of_type
            else list(selectors.offices_offering(service)),
        },
    )
