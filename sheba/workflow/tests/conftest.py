import pytest

from sheba.applications.tests.conftest import _application_templates, _fresh_status_throttle  # noqa: F401
from sheba.locker.tests.helpers import media_root  # noqa: F401


@pytest.fixture(autouse=True)
def _english(_fresh_language):
    """Messages are asserted in English unless a test overrides the language."""
    from django.utils import translation

    translation.activate("en")
    yield
