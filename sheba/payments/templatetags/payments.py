"""``{% application_fee_panel application %}``: the fee box on the application page."""

from __future__ import annotations

import secrets
from typing import Any

from django import template

from sheba.core.money import Money

register = template.Library()


@register.inclusion_tag("payments/_application_fee_panel.html", takes_context=True)
def application_fee_panel(context: Any, application: Any) -> dict[str, Any]:
    from sheba.payments.selectors import fee_state

    request = context.get("request")
    user = getattr(request, "user", None)
    if application is None or getattr(application, "pk", None) is None:
        return {"state": None}
    state = fee_state(application)
    mine = bool(user is not None and getattr(user, "pk", None) == application.applicant_id)
    return {
        "state": state,
        "application": application,
        "amount": Money(state.amount_poisha) if state.amount_poisha else None,
        "mine": mine,
        # Drafts cannot be paid for: the fee is due once the application is submitted.
        "can_pay": mine and not application.is_draft and application.status not in ("rejected",),
        "idempotency_key": secrets.token_urlsafe(16),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
