"""Reads of the audit log for people: who opened or acted on a file, and when. No internal ids leave here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sheba.audit.models import AuditEvent

VIEW_ACTIONS = ("audit.view", "view")

ACTION_LABELS = {
    "audit.view": _("Opened the file"),
    "view": _("Opened the file"),
    "application.submitted": _("Submitted the application"),
    "application.resubmitted": _("Resubmitted with corrections"),
    "workflow.started": _("File opened in the office"),
    "workflow.claimed": _("Took the file from the shared pool"),
    "workflow.forward": _("Forwarded the file"),
    "workflow.send_back": _("Sent back for correction"),
    "workflow.ask_info": _("Asked for information"),
    "workflow.approve": _("Approved the application"),
    "workflow.reject": _("Rejected the application"),
    "workflow.deliver": _("Delivered the service"),
    "workflow.message": _("Wrote a message"),
}
OTHER_ACTION = _("Acted on the file")
SYSTEM_ACTOR = _("Sheba (automatic)")


@dataclass(frozen=True)
class TrailEntry:
    at: datetime
    action: str  # the action code, e.g. "workflow.approve" (not an id)
    action_label: str
    actor_name: str
    actor_post: str
    is_view: bool


def _person_name(user) -> str:
    profile = getattr(user, "profile", None)
    if profile is not None:
        from django.utils.translation import get_language

        english = (get_language() or "bn").startswith("en")
        name = (profile.name_en or profile.name_bn) if english else (profile.name_bn or profile.name_en)
        if name:
            return name
    return ""


def _posts_held(user_ids: set[int]) -> dict[int, list[tuple[date, date | None, str]]]:
    from sheba.directory.models import PostTerm

    held: dict[int, list[tuple[date, date | None, str]]] = {}
    terms = PostTerm.objects.filter(person_id__in=user_ids).select_related("post", "post__office")
    for term in terms:
        label = f"{term.post.name}, {term.post.office.name}"
        if term.is_acting:
            label = _("%(post)s (acting)") % {"post": label}
        held.setdefault(term.person_id, []).append((term.starts_on, term.ends_on, label))
    return held


def _post_on(terms: list[tuple[date, date | None, str]], day: date) -> str:
    for starts_on, ends_on, label in terms:
        if starts_on <= day and (ends_on is None or day <= ends_on):
            return label
    return ""


def events_for_object(object_type: str, object_id: str, *, views: bool = True) -> list[TrailEntry]:
    """Everything done to one object, oldest first: when, who (name and post held that day), what."""
    events = AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
    if not views:
        events = events.exclude(action__in=VIEW_ACTIONS)
    events = events.select_related("actor", "actor__profile").order_by("at", "seq")
    rows = list(events)
    posts = _posts_held({e.actor_id for e in rows if e.actor_id})
    trail = []
    for event in rows:
        if event.actor is None:
            name, post = str(SYSTEM_ACTOR), ""
        else:
            post = _post_on(posts.get(event.actor.pk, []), timezone.localdate(event.at))
            name = _person_name(event.actor)
            if not name and not post:
                name = str(_("An officer") if event.actor.is_officer else _("The applicant"))
        trail.append(
            TrailEntry(
                at=event.at,
                action=event.action,
                action_label=str(ACTION_LABELS.get(event.action, OTHER_ACTION)),
                actor_name=name,
                actor_post=post,
                is_view=event.action in VIEW_ACTIONS,
            )
        )
    return trail


def viewers_of(object_type: str, object_id: str) -> list[TrailEntry]:
    """Who opened the object, and when, newest first."""
    return [e for e in reversed(events_for_object(object_type, object_id)) if e.is_view]

