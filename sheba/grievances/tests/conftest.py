import pytest

from sheba.applications.tests.conftest import _application_templates, _fresh_status_throttle  # noqa: F401
from sheba.locker.tests.helpers import media_root  # noqa: F401


@pytest.fixture(autouse=True)
def _grievance_templates(db):
    """Put back the templates our data migration seeds (a transactional test may have emptied them)."""
    from importlib import import_module

    from django.apps import apps

    from sheba.notifications.models import NotificationTemplate

    if not NotificationTemplate.objects.filter(event="grievance_status").exists():
        import_module("sheba.grievances.migrations.0002_notification_templates").seed(apps, None)


@pytest.fixture(autouse=True)
def _english(_fresh_language):
    """Messages are asserted in English unless a test overrides the language."""
    from django.utils import translation

    translation.activate("en")
    yield
