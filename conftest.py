"""Fixtures every app's tests share: a real browser (Debian's Chromium) and axe-core checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Stand-ins any app's tests can use as fixtures (SMS gateway, SMTP server, outbox helper,
# the identity register simulator).
pytest_plugins = ["sheba.notifications.testing", "sheba.identity.testing", "sheba.payments.testing",
                  "sheba.billpay.testing"]

ROOT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("SHEBA_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(autouse=True)
def _fresh_language(settings):
    """Every test starts in the default language, whatever the previous one switched to."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache(db):
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser():
    """Chromium from Debian, driven by Playwright through executable_path (no browser download)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # CI machines are small and busy
    context = browser.new_context(base_url=live_server.url, locale="bn-BD")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


_AXE_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE.read_text(encoding="utf-8") + "\n;void 0;")
    return _AXE_SOURCE[0]


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core on the current page; return the serious and critical violations."""
    # Evaluated through the DevTools protocol: our CSP rightly refuses an injected <script>.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page):
    found = axe_violations(page)
    assert not found, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in found
    )
