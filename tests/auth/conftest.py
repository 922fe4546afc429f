import uuid

import pytest

from .hashers import CountingHasher


@pytest.fixture(autouse=True)
def fresh_login_counts(settings):
    """Private caches per test: with Redis the login counts would be shared by every test
    worker, and every test signs in from the same address (127.0.0.1)."""
    settings.CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"auth-{name}-{uuid.uuid4()}",
        }
        for name in ("default", "axes")
    }
    settings.AXES_CACHE = "axes"
    # axes keeps its handler, and the handler its cache, until AXES_HANDLER changes.
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"


@pytest.fixture
def hashes(settings):
    """The number of passwords hashed since the test began (users made after this fixture
    get the counting hasher too)."""
    settings.PASSWORD_HASHERS = ["tests.auth.hashers.CountingHasher"]
    CountingHasher.calls = 0

    class Count:
        @property
        def value(self) -> int:
            return CountingHasher.calls

    return Count()
