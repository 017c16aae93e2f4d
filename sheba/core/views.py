"""Home page and the friendly error pages (in the user's language, with a reference id)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sheba.core import clock


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"today": clock.today()})


def _error(request: HttpRequest, status: int) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"status": status, "reference": getattr(request, "request_id", "")},
        status=status,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)
