"""Fixtures for the browser tests: contexts on the live server (with or without JavaScript),
seeded templates. The browser itself comes from the root conftest; helpers are in helpers.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _seeded_templates(transactional_db):
    """Browser tests run on a transactional database, which is emptied after each test; put back
    what the data migrations seed (the notification templates) so every test starts alike."""
    from importlib import import_module

    from django.apps import apps

    from sheba.notifications.models import NotificationTemplate

    if not NotificationTemplate.objects.exists():
        import_module("sheba.notifications.migrations.0002_seed_templates").seed(apps, None)


@pytest.fixture
def open_context(browser, live_server):
    """open_context(**options) -> a new browser context on the live server; closed afterwards."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "bn-BD")
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)  # generous: the suite may share two cores
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
