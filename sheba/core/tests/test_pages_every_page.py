"""Guarantees every page gives: help desk from settings, no inline script or style, under 100 KB
with its CSS and JS, never a 500, and the friendly error pages.

The pages are found by walking the URL configuration (every route without parameters), so a
new page is checked without anyone adding it here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sheba.accounts.models import Profile, User, UserKind

SKIP_NAMESPACES = {"admin"}
SKIP_NAMES = {"set_language", "logout", "keepalive", "session_status"}
PAGE_LIMIT_BYTES = 100 * 1000


def page_names(resolver=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(url, name) for every route that takes no parameters and answers GET."""
    resolver = resolver or get_resolver()
    found: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIP_NAMESPACES or "i18n" in str(entry.pattern):
                continue
            if entry.pattern.converters:
                continue
            child_ns = f"{namespace}:{ns}".strip(":") if ns else namespace
            found += page_names(entry, prefix + str(entry.pattern), child_ns)
        elif isinstance(entry, URLPattern):
            if entry.pattern.converters or not entry.name or entry.name in SKIP_NAMES:
                continue
            route = prefix + str(entry.pattern)
            if any(ch in route for ch in "^$(<\\"):
                continue
            found.append(("/" + route, f"{namespace}:{entry.name}".strip(":")))
    return found


def make_citizen(mobile: str = "+8801712345678") -> User:
    user = User.objects.create_user(mobile, None, kind=UserKind.CITIZEN, mobile=mobile)
    Profile.objects.get_or_create(user=user)
    return user


def make_officer(username: str = "uno.test") -> tuple[User, object]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.create_user(username, "a long officer password 1", kind=UserKind.OFFICER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def client_for(who: str) -> Client:
    client = Client()
    if who == "citizen":
        client.force_login(make_citizen())
    elif who == "officer":
        user, device = make_officer()
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id  # passed TOTP, as django_otp.login records it
        session.save()
    return client


STATIC_REF = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="(/static/[^"?#]+)')


def page_weight(html: bytes) -> int:
    """The page's HTML plus every stylesheet and script it loads from /static/ (fonts excluded)."""
    total = len(html)
    for url in set(STATIC_REF.findall(html.decode("utf-8", "replace"))):
        path = finders.find(url.removeprefix("/static/"))
        assert path, f"{url} is referenced but not found"
        total += Path(path).stat().st_size
    return total


def html_pages(client: Client, language: str = "bn"):
    """Yield (url, name, response) for every parameterless page that answers GET with a whole
    HTML document (htmx fragments are parts of pages, checked with their page)."""
    for url, name in page_names():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code < 500, f"{name} ({url}) answered {response.status_code}"
        is_html = response["Content-Type"].startswith("text/html")
        if response.status_code == 200 and is_html and response.content.lstrip().startswith(b"<!doctype html>"):
            yield url, name, response


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "citizen", "officer"])
def test_every_page_shows_the_help_desk_from_settings(who, settings):
    settings.SHEBA_HELPDESK_PHONE = "09612345678"
    settings.SHEBA_HELPDESK_EMAIL = "desk@operator.example"
    client = client_for(who)
    seen = 0
    for language, shown in (("bn", "০৯৬১২৩৪৫৬৭৮"), ("en", "09612345678")):
        for _url, name, response in html_pages(client, language):
            body = response.content.decode()
            assert 'href="tel:09612345678"' in body, name
            assert f">{shown}<" in body, name
            assert 'href="mailto:desk@operator.example"' in body, name
            assert "16345" not in body and "help@sheba.example" not in body, name
            seen += 1
    assert seen >= 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "citizen", "officer"])
def test_every_page_is_under_100_kb_with_its_css_and_js(who):
    client = client_for(who)
    for url, name, response in html_pages(client):
        weight = page_weight(response.content)
        assert weight < PAGE_LIMIT_BYTES, f"{name} ({url}) weighs {weight} bytes"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "citizen", "officer"])
def test_no_inline_script_or_style_anywhere(who):
    """The CSP forbids them, so they would silently break; catch them here instead."""
    client = client_for(who)
    for _url, name, response in html_pages(client):
        body = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), f"inline script on {name}"
        assert not re.search(r"<style[\s>]", body), f"inline <style> on {name}"
        assert not re.search(r"\sstyle=", body), f"style= attribute on {name}"
        assert not re.search(r"\son[a-z]+=", body), f"inline event handler on {name}"


@pytest.mark.django_db
def test_the_page_list_is_not_empty():
    names = {name for _, name in page_names()}
    assert {"core:home", "accounts:login", "accounts:register", "officer:login"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("bn", "পাতাটি পাওয়া যায়নি", "হেল্প ডেস্কে ফোন করলে এই রেফারেন্সটি জানান"),
        ("en", "Page not found", "If you call the help desk, give this reference"),
    ],
)
def test_404_is_friendly_in_the_users_language_with_a_reference(language, title, text):
    response = Client().get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert f"<h1>{title}</h1>" in body
    assert text in body
    reference = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{12}", reference)
    assert f"<code>{reference}</code>" in body
    assert "Traceback" not in body


@pytest.mark.django_db
@pytest.mark.urls("sheba.core.tests.urls_test_only")
@pytest.mark.parametrize(
    ("language", "title"), [("bn", "কোনো একটি সমস্যা হয়েছে"), ("en", "Something went wrong")]
)
def test_500_is_friendly_with_a_reference_and_no_traceback(language, title):
    response = Client(raise_request_exception=False).get("/test-only/boom/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    body = response.content.decode()
    assert f"<h1>{title}</h1>" in body
    assert f"<code>{response['X-Request-ID']}</code>" in body
    assert "Traceback" not in body and "secret detail" not in body and "RuntimeError" not in body
    assert "Content-Security-Policy" in response.headers

