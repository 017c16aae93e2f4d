"""Pre-rendered page frames for the hottest pages (public status lookup, dashboard, search).

A page is rendered through the normal template once per *variant* (language, who is looking:
anonymous, citizen or officer, and the page's own switches such as "has an error"), with
sentinel strings in place of every per-request value; the result is split at the sentinels and
kept in this process. Each request then only joins the pieces with its own values, HTML-escaped
— the same bytes the template would give, without running the template engine.

Per-request values are the page's ``slots`` (plain strings, escaped here) and those of the
base template: the CSRF token, the current path (language switch) and the idle-session seconds.
A slot must reach the template unchanged (no filters on it: format in the view); a slot that
is ``SafeData`` (built with ``format_html``) goes in as it is. What the
template shows from ``user`` is limited to ``is_authenticated`` and ``is_officer`` (the menu):
the frame is shared by everyone of a variant, so it must hold nothing personal; the view passes
anything personal as a slot.

The normal render is used instead when DEBUG is on (templates being edited) and when messages
are waiting to be shown. ``sheba/applications/tests`` compare both renders byte for byte.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from html import escape  # the same escaping as django.utils.html.escape, without its lazy-string wrapper
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import get_urlconf
from django.utils.safestring import SafeData
from django.utils.translation import get_language

_MARK = secrets.token_hex(4)  # sentinels cannot be guessed (or typed) by a visitor
_SLOT = re.compile(rf"\[\[{_MARK}:([a-z_0-9.]+)\]\]")
_frames: dict[tuple, tuple[list[str], list[str]]] = {}
_MAX_FRAMES = 500
_lock = threading.Lock()

CSRF = "_csrf"
PATH = "_path"
IDLE = "_idle"


def _sentinel(name: str) -> str:
    return f"[[{_MARK}:{name}]]"


class _FrameRequest:
    """What the base template reads from ``request`` while a frame is rendered."""

    def get_full_path(self) -> str:
        return _sentinel(PATH)

    session_idle_seconds = _sentinel(IDLE)


class _FrameUser:
    """The visitor as a frame may see them: signed in or not, officer or not. Anything else
    (a name, a mobile number) reads as "" — it must come in as a slot, never be baked in."""

    def __init__(self, user: Any) -> None:
        self.is_authenticated = bool(getattr(user, "is_authenticated", False))
        self.is_officer = bool(getattr(user, "is_officer", False)) if self.is_authenticated else False
        self.is_anonymous = not self.is_authenticated

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return ""


class _FrameHttpRequest:
    """The request the context processors see while a frame is rendered: the real one, except
    that its user is the frame's user (so no processor can put one person's data in a frame)."""

    def __init__(self, request: HttpRequest, user: _FrameUser) -> None:
        self._request = request
        self.user = user

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


def _sentinels(value: Any, prefix: str) -> Any:
    """``value`` with every string leaf replaced by its sentinel (dicts nest: ``result.office``)."""
    if isinstance(value, Mapping):
        return {k: _sentinels(v, f"{prefix}.{k}") for k, v in value.items()}
    return _sentinel(prefix)


def _leaves(value: Any, prefix: str, into: dict[str, str]) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            _leaves(v, f"{prefix}.{k}", into)
    elif isinstance(value, SafeData):
        into[prefix] = str(value)  # HTML the view built (format_html)
    else:
        into[prefix] = escape("" if value is None else str(value))


def _frame(template_name: str, request: HttpRequest, context: Mapping[str, Any], slots: Mapping[str, Any],
           key: tuple) -> tuple[list[str], list[str]]:
    found = _frames.get(key)
    if found is not None:
        return found
    frame_context = dict(context)
    for name, value in slots.items():
        frame_context[name] = _sentinels(value, name)
    user = _FrameUser(getattr(request, "user", None))
    frame_context.update(
        {
            "request": _FrameRequest(),
            "user": user,
            "perms": None,
            "messages": [],
            "csrf_token": _sentinel(CSRF),
        }
    )
    html = get_template(template_name).render(frame_context, _FrameHttpRequest(request, user))  # type: ignore[arg-type]
    pieces = _SLOT.split(html)
    found = (pieces[0::2], pieces[1::2])
    with _lock:
        if len(_frames) >= _MAX_FRAMES:
            _frames.clear()
        _frames[key] = found
    return found


def render_frame(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any],
    *,
    slots: Mapping[str, Any],
    variant: Iterable[Any] = (),
    status: int = 200,
) -> HttpResponse:
    """The page ``template_name`` with ``context`` (the same for everyone of this ``variant``)
    and ``slots`` (this request's values, strings or dicts of strings, escaped here)."""
    user = getattr(request, "user", None)
    authenticated = bool(getattr(user, "is_authenticated", False))
    storage = get_messages(request)
    if settings.DEBUG or (storage is not None and len(storage)):
        from django.shortcuts import render

        return render(request, template_name, {**context, **slots}, status=status)
    key = (
        template_name,
        get_language(),
        get_urlconf(),  # a union portal's host has its own URLs
        authenticated,
        bool(getattr(user, "is_officer", False)) if authenticated else False,
        *variant,
    )
    texts, names = _frame(template_name, request, context, slots, key)
    values: dict[str, str] = {}
    for name, value in slots.items():
        _leaves(value, name, values)
    values[CSRF] = escape(get_token(request))
    values[PATH] = escape(request.get_full_path())
    values[IDLE] = escape(str(getattr(request, "session_idle_seconds", 0) or 0))
    out = [texts[0]]
    for name, text in zip(names, texts[1:], strict=True):
        out.append(values[name])
        out.append(text)
    return HttpResponse("".join(out), status=status)


def frames_clear(**_kwargs: object) -> None:
    with _lock:
        _frames.clear()


setting_changed.connect(frames_clear, dispatch_uid="sheba-frames-clear")
