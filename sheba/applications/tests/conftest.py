import pytest

from sheba.locker.tests.helpers import media_root  # noqa: F401 (a fixture: files go to a temporary directory)


@pytest.fixture(autouse=True)
def _application_templates(db, media_root):  # noqa: F811
    """Put back the notification templates our data migration seeds: a transactional test that
    ran earlier on the same database emptied the table."""
    from importlib import import_module

    from django.apps import apps

    from sheba.notifications.models import NotificationTemplate

    if not NotificationTemplate.objects.filter(event="application_submitted").exists():
        import_module("sheba.applications.migrations.0002_notification_templates").seed(apps, None)


@pytest.fixture(autouse=True)
def _fresh_status_throttle():
    """The status page's per-process memory of throttled addresses starts empty in every test."""
    from sheba.applications import throttle

    throttle.reset()
    yield
    throttle.reset()
