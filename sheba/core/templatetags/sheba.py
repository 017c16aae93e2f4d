"""Template filters for Bengali pages: digits, both calendars, phone display."""

from __future__ import annotations

import itertools
from datetime import date, datetime

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_urlconf
from django.utils import timezone
from django.utils.translation import get_language

from sheba.core import bengali
from sheba.core.phone import display_bd_mobile

register = template.Library()


def _lang() -> str:
    return "bn" if (get_language() or "bn").startswith("bn") else "en"


@register.filter
def num(value: object) -> str:
    """Digits in the page's language: 42 -> ৪২ on Bengali pages."""
    if value is None:
        return ""
    return bengali.to_bn_digits(value) if _lang() == "bn" else str(value)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return None


@register.filter
def day(value: object) -> str:
    """A Gregorian date in the page's language: ২২ নভেম্বর ২০২৬."""
    d = _as_date(value)
    return bengali.format_gregorian(d, _lang()) if d else ""


@register.filter
def dualdate(value: object) -> str:
    """Both calendars, as on documents: ২২ নভেম্বর ২০২৬ / ৭ অগ্রহায়ণ ১৪৩৩."""
    d = _as_date(value)
    return bengali.format_dual(d, _lang()) if d else ""


@register.filter
def daytime(value: object) -> str:
    """Date and time: ২২ নভেম্বর ২০২৬, ১০:০৫."""
    if not isinstance(value, datetime):
        return day(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = f"{bengali.format_gregorian(local.date(), _lang())}, {local:%H:%M}"
    return bengali.to_bn_digits(text) if _lang() == "bn" else text


@register.filter
def mobile(value: str) -> str:
    shown = display_bd_mobile(value)
    return bengali.to_bn_digits(shown) if _lang() == "bn" else shown


# --- Chrome: fragments that are the same for everyone of a kind ------------------------------
#
# ``{% chrome [expr …] %}…{% endchrome %}`` renders its content once per process for each page
# language and each value of the given expressions, and reuses it afterwards. It is for the
# parts of the page chrome (header, menu, footer) that only depend on the language and on
# settings, such as the help desk. Never put per-request or per-user data inside (CSRF tokens,
# names, the current path, messages) and never a {% block %}: keep those outside, between two
# chrome fragments. With DEBUG on, nothing is cached (templates are being edited).

_chrome_cache: dict[tuple, str] = {}
_CHROME_MAX = 2_000  # fragments kept per process (a handful per page kind and language)
_chrome_ids = itertools.count()


class ChromeNode(template.Node):
    child_nodelists = ()  # no {% block %} inside: {% extends %} need not walk the content

    def __init__(self, nodelist: template.NodeList, vary: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.vary = vary
        self.chrome_id = next(_chrome_ids)  # never reused, unlike id(self)

    def render(self, context: template.Context) -> str:
        if settings.DEBUG:
            return self.nodelist.render(context)
        # The URLconf too: a union portal's host serves the site with its own URLs ({% url %}).
        key = (self.chrome_id, get_language(), get_urlconf(), *[v.resolve(context) for v in self.vary])
        html = _chrome_cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_chrome_cache) >= _CHROME_MAX:
                _chrome_cache.clear()
            _chrome_cache[key] = html
        return html


@register.tag("chrome")
def chrome(parser: template.base.Parser, token: template.base.Token) -> ChromeNode:
    vary = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist, vary)


def chrome_clear(**_kwargs: object) -> None:
    """Forget every cached fragment (a setting changed, e.g. in a test)."""
    _chrome_cache.clear()


setting_changed.connect(chrome_clear, dispatch_uid="sheba-chrome-clear")
