"""Cross-cutting request handling: request ids, security headers, NFC input."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

from sheba.core.bengali import nfc
from sheba.core.logging import request_id_var

Handler = Callable[[HttpRequest], HttpResponse]

# Pages load only our own files. htmx runs from /static/; no inline scripts anywhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


class RequestIdMiddleware:
    """Give every request a short id, shown on error pages and written in every log line."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = secrets.token_hex(6)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


def _csp() -> str:
    """CSP, letting forms post on to the payment gateway's hosted page (a payment form's answer
    redirects there; Chromium applies form-action to the redirect's target too)."""
    from urllib.parse import urlsplit

    from django.conf import settings

    gateway = urlsplit(getattr(settings, "SHEBA_PAYMENT_GATEWAY_URL", "") or "")
    if gateway.scheme in ("http", "https") and gateway.netloc:
        return CSP.replace("form-action 'self'", f"form-action 'self' {gateway.scheme}://{gateway.netloc}")
    return CSP


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler):
        self.get_response = get_response
        self.csp = _csp()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Authenticated pages are never cached by the browser or a shared proxy.
            response["Cache-Control"] = "no-store"
        return response


def _normalise(query: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(nfc(key), [nfc(v) for v in values])
    cleaned._mutable = False
    return cleaned


class NfcInputMiddleware:
    """All text input is Unicode NFC before any form or service sees it."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.GET:
            request.GET = _normalise(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _normalise(request.POST)  # type: ignore[assignment]
        return self.get_response(request)
