"""A password hasher for tests that counts its work: every password it hashes or checks.
Registered through PASSWORD_HASHERS, so Django's own code calls it as it would any hasher."""

import threading

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class CountingHasher(PBKDF2PasswordHasher):
    algorithm = "counting_pbkdf2"
    iterations = 1000  # fast: the count matters here, not the cost
    calls = 0
    lock = threading.Lock()

    def encode(self, password, salt, iterations=None):
        # verify() and make_password() (also run for unknown user names) both come here.
        with CountingHasher.lock:
            CountingHasher.calls += 1
        return super().encode(password, salt, iterations)
