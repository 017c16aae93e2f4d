from sheba.locker.tests.helpers import media_root  # noqa: F401 (a fixture for every locker test)
