import pytest

from sheba.applications.tests.conftest import _application_templates, _fresh_status_throttle  # noqa: F401
from sheba.locker.tests.helpers import media_root  # noqa: F401
from sheba.payments.tests.helpers import register_recorder


@pytest.fixture(autouse=True)
def _payment_templates(db):
    """Put back the SMS templates our data migration seeds (a transactional test empties them)."""
    from importlib import import_module

    from django.apps import apps

    from sheba.notifications.models import NotificationTemplate

    if not NotificationTemplate.objects.filter(event="payment_paid").exists():
        import_module("sheba.payments.migrations.0003_notification_templates").seed(apps, None)


@pytest.fixture(autouse=True)
def _english(_fresh_language):
    from django.utils import translation

    translation.activate("en")
    yield


@pytest.fixture
def recorder():
    """The test purpose "test_item", its callbacks recording what they were called with."""
    return register_recorder()
