import pytest

from sheba.billpay.tests.helpers import make_citizen, make_operator


@pytest.fixture(autouse=True)
def _english(_fresh_language):
    """Messages are asserted in English; the Bengali pages are checked in the browser test."""
    from django.utils import translation

    translation.activate("en")
    yield


@pytest.fixture(autouse=True)
def _payment_templates(db):
    """payments' SMS templates (a transactional test empties the data-migration rows)."""
    from importlib import import_module

    from django.apps import apps

    from sheba.notifications.models import NotificationTemplate

    if not NotificationTemplate.objects.filter(event="payment_paid").exists():
        import_module("sheba.payments.migrations.0003_notification_templates").seed(apps, None)


@pytest.fixture
def citizen(db):
    return make_citizen()


@pytest.fixture
def operator(db):
    return make_operator()
