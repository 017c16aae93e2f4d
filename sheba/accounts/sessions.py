"""Which server sessions belong to whom.

``session_started`` is called right after ``django.contrib.auth.login`` (which has already
given the browser a new session id). It records the session for the user, so that a change of
mobile number or a new MPIN can end the others, and notes when the session began: the session
limits (``sheba.accounts.middleware``) read ``auth_started_at`` for the absolute limit.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

from sheba.accounts.models import SessionRecord, User
from sheba.core import clock

STARTED_AT_KEY = "auth_started_at"


def session_started(request: HttpRequest, user: User) -> SessionRecord:
    now = clock.now()
    request.session[STARTED_AT_KEY] = now.timestamp()
    if request.session.session_key is None:
        request.session.save()
    record, _created = SessionRecord.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "created_at": now}
    )
    return record


def session_ended(request: HttpRequest) -> None:
    """Forget the record of this request's session (call before ``logout``, which flushes it)."""
    key = request.session.session_key
    if key:
        SessionRecord.objects.filter(session_key=key).delete()


def sessions_end_for_user(*, user: User, keep_session_key: str | None = None) -> int:
    """End every server session of ``user`` except ``keep_session_key``. Returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    records = SessionRecord.objects.filter(user=user)
    if keep_session_key:
        records = records.exclude(session_key=keep_session_key)
    keys = list(records.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete(key)
    SessionRecord.objects.filter(session_key__in=keys).delete()
    return len(keys)
