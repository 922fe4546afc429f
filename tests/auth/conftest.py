import pytest

from tests.conftest import login_caches_private

from .hashers import CountingHasher


@pytest.fixture(autouse=True)
def fresh_login_counts(settings):
    login_caches_private(settings, "auth")


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
