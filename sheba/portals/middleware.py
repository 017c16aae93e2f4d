"""Host routing for the union portals: a request to <union>.<SHEBA_BASE_DOMAIN> is served with the
union host's URLs (sheba.portals.host_urls): the union's portal at "/", the whole site below it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

from sheba.portals.selectors import portal_label_from_host


class UnionHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            host = request.get_host()
        except DisallowedHost:
            host = ""  # Django answers 400 for it further on
        label = portal_label_from_host(host)
        if label:
            request.union_portal_label = label  # type: ignore[attr-defined]
            request.urlconf = "sheba.portals.host_urls"  # type: ignore[attr-defined]
        return self.get_response(request)
