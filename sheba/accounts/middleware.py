"""Server-enforced session limits (SECURITY.md, "Sessions").

* Idle: ``SHEBA_SESSION_IDLE_SECONDS`` (330 s) after the last *real* activity. Background
  polling (header ``X-Sheba-Poll: 1``, the status endpoint) is checked but never extends it.
* Absolute: 12 h for citizens, 8 h for officers, counted from ``session["auth_started_at"]``.

A request after a limit logs the user out (the server session is flushed) and goes to the
right login page with a message saying why, keeping ``?next=``. The page's own script warns
at 5 minutes; without JavaScript these limits still apply.

To avoid a session write on every click, the activity time is rewritten only when it is at
least ``ACTIVITY_WRITE_SECONDS`` old; each page tells its script how stale the server's view is
(``request.session_idle_seconds``) so the warning never promises more time than the server gives.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import get_urlconf, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from sheba.accounts.sessions import session_ended
from sheba.core import clock

LAST_ACTIVITY_KEY = "last_activity_at"
AUTH_STARTED_KEY = "auth_started_at"  # written at login by sheba.accounts.sessions.session_started
POLL_HEADER = "HTTP_X_SHEBA_POLL"
ACTIVITY_WRITE_SECONDS = 10

Handler = Callable[[HttpRequest], HttpResponse]


def _now() -> float:
    return clock.now().timestamp()


def idle_limit() -> int:
    return int(settings.SHEBA_SESSION_IDLE_SECONDS)


def absolute_limit(user) -> int:
    if getattr(user, "is_officer", False):
        return int(settings.SHEBA_SESSION_ABSOLUTE_OFFICER_SECONDS)
    return int(settings.SHEBA_SESSION_ABSOLUTE_CITIZEN_SECONDS)


def remaining_seconds(request: HttpRequest) -> int:
    """Seconds left before the server ends this session (the smaller of the two limits)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    now = _now()
    last = float(request.session.get(LAST_ACTIVITY_KEY, now))
    started = float(request.session.get(AUTH_STARTED_KEY, now))
    left = min(idle_limit() - (now - last), absolute_limit(user) - (now - started))
    return max(0, int(left))


def record_activity(request: HttpRequest, *, idle_for: float = 0.0) -> None:
    """Count a real user action that happened ``idle_for`` seconds ago (never moves backwards)."""
    now = _now()
    idle_for = min(max(idle_for, 0.0), float(idle_limit()))
    at = now - idle_for
    if at > float(request.session.get(LAST_ACTIVITY_KEY, 0)):
        request.session[LAST_ACTIVITY_KEY] = at
    request.session_idle_seconds = int(now - float(request.session[LAST_ACTIVITY_KEY]))  # type: ignore[attr-defined]


def login_url_for(user) -> str:
    return reverse("officer:login" if getattr(user, "is_officer", False) else "accounts:login")


_paths: dict[tuple[str, str], str] = {}


def _path(name: str) -> str:
    """``reverse(name)``, once per URLconf (this runs on every signed-in request)."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), name)
    found = _paths.get(key)
    if found is None:
        found = _paths[key] = reverse(name)
    return found


def is_background(request: HttpRequest) -> bool:
    """A request the person did not make themselves: polling, or the status check."""
    return request.META.get(POLL_HEADER) == "1" or request.path == _path("accounts:session_status")


def _wants_json(request: HttpRequest) -> bool:
    return (
        is_background(request)
        or request.headers.get("HX-Request") == "true"
        or "application/json" in request.headers.get("Accept", "")
    )


def _next_path(request: HttpRequest) -> str:
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""


class SessionLimitsMiddleware:
    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request, user)
            if expired:
                return self._end(request, user, expired)
            if not is_background(request) and request.path != _path("accounts:keepalive"):
                last = float(request.session.get(LAST_ACTIVITY_KEY, 0))
                if _now() - last >= ACTIVITY_WRITE_SECONDS:
                    record_activity(request)
            request.session_idle_seconds = int(  # type: ignore[attr-defined]
                max(0.0, _now() - float(request.session.get(LAST_ACTIVITY_KEY, _now())))
            )
        response = self.get_response(request)
        # Just logged in (or a session from before these limits): start both clocks now.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            if LAST_ACTIVITY_KEY not in request.session:
                request.session[LAST_ACTIVITY_KEY] = _now()
            if AUTH_STARTED_KEY not in request.session:
                request.session[AUTH_STARTED_KEY] = _now()
        return response

    @staticmethod
    def _expired(request: HttpRequest, user) -> str:
        now = _now()
        last = request.session.get(LAST_ACTIVITY_KEY)
        if last is not None and now - float(last) > idle_limit():
            return "idle"
        started = request.session.get(AUTH_STARTED_KEY)
        if started is not None and now - float(started) > absolute_limit(user):
            return "absolute"
        return ""

    @staticmethod
    def _end(request: HttpRequest, user, why: str) -> HttpResponse:
        login_url = login_url_for(user)
        next_path = _next_path(request)
        if next_path and next_path != login_url:
            login_url = f"{login_url}?{urlencode({'next': next_path})}"
        session_ended(request)
        auth.logout(request)  # flushes the server session: the old cookie is worthless now
        if why == "idle":
            text = gettext("You were logged out because you were inactive for too long. Please log in again.")
        else:
            text = gettext("Your session reached its time limit and has ended. Please log in again.")
        # MessageMiddleware runs after this one, so store the message ourselves.
        request._messages = default_storage(request)  # type: ignore[attr-defined]
        messages.info(request, text)
        response: HttpResponse
        if _wants_json(request):
            response = JsonResponse({"remaining": 0, "login": login_url}, status=401)
            response["HX-Redirect"] = login_url
        else:
            response = HttpResponseRedirect(login_url)
        request._messages.update(response)  # type: ignore[attr-defined]
        response["Cache-Control"] = "no-store"
        return response
