"""``{% certificates_of application as issued %}``: the certificates of a file the viewer may see."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def certificates_of(context: Any, application: Any) -> list[Any]:
    from sheba.certificates.selectors import certificates_of_application

    request = context.get("request")
    user = getattr(request, "user", None)
    return certificates_of_application(user, application)
