"""Two panels for the citizen's application page, loaded here so that page's view does not change:

  {% load grievance_tags %}{% complaint_button application %}  «অভিযোগ দাখিল করুন» (or the open complaint)
  {% file_trail application %}                                  who opened or acted on the file, and when

Both show only to the applicant (the signed-in user who owns the application); anyone else
gets nothing.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _is_applicant(context: template.Context, application: Any) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(
        application is not None and user is not None and getattr(user, "is_authenticated", False)
        and not getattr(user, "is_officer", False) and application.applicant_id == user.pk
        and not application.is_draft
    )


@register.inclusion_tag("grievances/_complaint_button.html", takes_context=True)
def complaint_button(context: template.Context, application: Any) -> dict[str, Any]:
    if not _is_applicant(context, application):
        return {"show": False}
    from sheba.grievances.enums import OPEN
    from sheba.grievances.models import Complaint
    from sheba.grievances.selectors import deadline_passed

    latest = Complaint.objects.filter(application=application).order_by("-created_at", "-pk").first()
    return {
        "show": True,
        "application": application,
        "latest": latest,
        "is_open": bool(latest and latest.status in OPEN),
        "deadline_passed": deadline_passed(application),
    }


@register.inclusion_tag("grievances/_file_trail.html", takes_context=True)
def file_trail(context: template.Context, application: Any) -> dict[str, Any]:
    if not _is_applicant(context, application):
        return {"show": False}
    from sheba.audit.selectors import events_for_object

    return {"show": True, "trail": list(reversed(events_for_object("application", str(application.public_id))))}
