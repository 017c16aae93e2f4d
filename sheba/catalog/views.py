"""Finding a service (browse and search) and reading its citizen charter. Both pages work
without JavaScript: the filters and the office choice are plain GET forms."""

from __future__ import annotations

import threading
import time
import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sheba.catalog import selectors
from sheba.core.errors import NotFound
from sheba.core.templatetags.frames import render_frame
from sheba.directory.models import Office

CODE_MAX = 40


def _code(request: HttpRequest, name: str, allowed: set[str]) -> str:
    value = request.GET.get(name, "")[:CODE_MAX]
    return value if value in allowed else ""


LIST_CACHE_SECONDS = 60.0
_LIST_CACHE_MAX = 500
_list_cache: dict[tuple, tuple[float, str, str]] = {}
_list_lock = threading.Lock()


def _list_parts(request: HttpRequest) -> tuple[str, str]:
    """The title and the content (search form, filters, results) of the list page."""
    facets = selectors.facets()
    recipient = _code(request, "recipient", {r.code for r in facets["recipients"]})
    sector = _code(request, "sector", {s.code for s in facets["sectors"]})
    office_type = _code(request, "office_type", {t.code for t in facets["office_types"]})
    query = request.GET.get("q", "")
    too_long = len(query) > selectors.MAX_QUERY
    shown_query = query[: selectors.MAX_QUERY]
    browsed = selectors.services_browse(recipient=recipient, sector=sector, office_type=office_type)
    searched = bool(shown_query.strip())
    if searched:
        hits = selectors.search_services(shown_query, services=browsed)
        services = [hit.service for hit in hits]
    else:
        services = list(browsed)
    content = render_to_string(
        "catalog/_list_content.html",
        {
            "facets": facets,
            "services": services,
            "query": shown_query,
            "searched": searched,
            "too_long": too_long,
            "max_query": selectors.MAX_QUERY,
            "chosen": {"recipient": recipient, "sector": sector, "office_type": office_type},
            "filtered": bool(recipient or sector or office_type),
        },
    )
    title = _("Services matching “%(q)s”") % {"q": shown_query} if searched else _("Find a service")
    return title, content


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    """Browse and search. The page's content is the same for everyone asking the same thing, so
    it is kept in this process for a minute per language, query and filters, and for as long as
    the catalogue does not change (``selectors.catalog_fingerprint``, one small query)."""
    get = request.GET
    key = (
        selectors.catalog_fingerprint(),
        get_language(),
        get_urlconf(),  # a union portal's host has its own URLs
        get.get("q", "")[: selectors.MAX_QUERY + 1],
        *(get.get(name, "")[:CODE_MAX] for name in ("recipient", "sector", "office_type")),
    )
    now = time.monotonic()
    cached = _list_cache.get(key)
    if cached is None or cached[0] < now:
        title, content = _list_parts(request)
        with _list_lock:
            if len(_list_cache) >= _LIST_CACHE_MAX:
                _list_cache.clear()
            _list_cache[key] = (now + LIST_CACHE_SECONDS, title, content)
    else:
        _expires, title, content = cached
    return render_frame(request, "catalog/list.html", {}, slots={"title": title, "content": mark_safe(content)})  # noqa: S308 (rendered template)


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
