"""The idle-session endpoints used by the warning dialog (static/js/sheba.js).

``keepalive`` is a real user action ("stay logged in", or activity in the tab that has not
reached the server yet); ``session_status`` is polling and never extends the session.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sheba.accounts.middleware import login_url_for, record_activity, remaining_seconds


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Sheba-Fetch") == "1" or "application/json" in request.headers.get("Accept", "")


@never_cache
@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """Extend the idle limit. ``idle`` (seconds since the tab last saw activity) keeps it honest."""
    if not request.user.is_authenticated:
        if _is_fetch(request):
            return JsonResponse({"remaining": 0, "login": reverse("accounts:login")}, status=401)
        return HttpResponseRedirect(reverse("accounts:login"))
    try:
        idle_for = float(request.POST.get("idle", "0") or 0)
    except ValueError:
        idle_for = 0.0
    if idle_for != idle_for:  # NaN
        idle_for = 0.0
    record_activity(request, idle_for=idle_for)
    if _is_fetch(request):
        return HttpResponse(status=204)
    back = request.headers.get("Referer", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    home = "officer:dashboard" if request.user.is_officer else "accounts:dashboard"
    return HttpResponseRedirect(reverse(home))


@never_cache
@require_GET
def session_status(request: HttpRequest) -> HttpResponse:
    """``{"remaining": seconds}`` until the server ends the session. Does not extend it."""
    payload: dict[str, object] = {"remaining": remaining_seconds(request)}
    if not request.user.is_authenticated:
        payload["login"] = login_url_for(None)
    return JsonResponse(payload)
