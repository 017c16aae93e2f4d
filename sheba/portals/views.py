"""The union portals: a list/search of unions at /up/, and each union's page at /up/<name>/ and at
its own host <name>.<base domain>. Public, cheap, no session needed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sheba.core.errors import NotFound
from sheba.directory.models import Union
from sheba.portals import selectors


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1_000_000 else None


@require_safe
def union_list(request: HttpRequest) -> HttpResponse:
    district_id = _int(request.GET.get("district"))
    upazila_id = _int(request.GET.get("upazila"))
    text = (request.GET.get("q") or "").strip()[:60]
    unions = selectors.unions_search(district_id=district_id, upazila_id=upazila_id, text=text)
    searched = bool(district_id or upazila_id or text)
    return render(
        request,
        "portals/list.html",
        {
            "districts": selectors.districts(),
            "upazilas": selectors.upazilas_of(district_id),
            "district_id": district_id,
            "upazila_id": upazila_id,
            "q": text,
            "searched": searched,
            "unions": [(u, selectors.portal_host(u)) for u in unions],
            "limit": selectors.SEARCH_LIMIT,
        },
    )


def _portal(request: HttpRequest, union: Union, *, on_host: bool) -> HttpResponse:
    office = selectors.union_office(union)
    return render(
        request,
        "portals/home.html",
        {
            "union": union,
            "office": office,
            "services": selectors.office_services(office) if office else [],
            "officials": selectors.office_officials(office) if office else [],
            "host": selectors.portal_host(union),
            "on_host": on_host,
            "helpdesk_phone": getattr(settings, "SHEBA_HELPDESK_PHONE", ""),
            "helpdesk_email": getattr(settings, "SHEBA_HELPDESK_EMAIL", ""),
        },
    )


def _unknown(request: HttpRequest, name: str) -> HttpResponse:
    """A friendly 404 in the user's language, with the unions that share a short name."""
    return render(
        request,
        "portals/unknown.html",
        {"name": name[:60], "similar": [(u, selectors.portal_host(u)) for u in selectors.unions_named_like(name)]},
        status=404,
    )


@require_safe
def union_home(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        union = selectors.union_portal_get(slug)
    except NotFound:
        return _unknown(request, slug)
    return _portal(request, union, on_host=False)


@require_safe
def union_host_home(request: HttpRequest) -> HttpResponse:
    """The root of a union's own host (the middleware found the label in the host name)."""
    label = getattr(request, "union_portal_label", "") or ""
    try:
        union = selectors.union_for_host_label(label)
    except NotFound:
        return _unknown(request, label)
    return _portal(request, union, on_host=True)
