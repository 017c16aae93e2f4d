"""``{% identity_check_panel application %}``: the identity check's status on the officer's file page."""

from __future__ import annotations

from typing import Any

from django import template

from sheba.identity.models import CheckStatus, IdentityCheck
from sheba.identity.services import carries_identity, fingerprint

register = template.Library()


@register.inclusion_tag("identity/_check_panel.html")
def identity_check_panel(application: Any) -> dict[str, Any]:
    if application is None or not carries_identity(application.service.form_schema):
        return {"shown": False}
    check = IdentityCheck.objects.filter(application=application).first()
    stale = bool(check and check.fingerprint != fingerprint(dict(application.form_data or {})))
    return {
        "shown": True,
        "application": application,
        "check": check,
        "stale": stale,
        "can_recheck": check is None or stale or check.status != CheckStatus.PASSED,
    }
