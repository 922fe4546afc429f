"""Checking a staff password without letting a flood of guesses take the machine.

A password check is a PBKDF2 hash, slow on purpose. Django's ModelBackend also hashes
a throwaway password for a user name that does not exist, so that an unknown name takes as
long as a known one and the answer's timing does not say which names are real. Guesses with
made-up names never reach a lock-out (that is per user name and address), so under a flood
that throwaway hashing was the whole cost, and every colleague's sign-in queued behind it.

Here an unknown name waits as long as a check takes, without doing one: the same timing, no
CPU, and the wait holds no place a real check needs. Real checks run
LOGIN_PASSWORD_CHECKS_AT_ONCE at a time per process (config.login.login_password_check_slot).
"""

import random
import threading
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password

from .login import login_password_check_slot

_check_seconds: list[float] = []
_measuring = threading.Lock()


def password_check_seconds() -> float:
    """How long one password check takes on this process, measured once."""
    with _measuring:
        if not _check_seconds:
            started = time.perf_counter()
            make_password("a password to time the hasher with")
            _check_seconds.append(time.perf_counter() - started)
    return _check_seconds[0]


class PasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            # As long as a real check, give or take, so the timing tells nothing.
            time.sleep(password_check_seconds() * random.uniform(0.9, 1.1))  # noqa: S311
            return None
        with login_password_check_slot():
            # A check that waited its turn for LOGIN_PASSWORD_CHECK_WAIT goes ahead anyway:
            # turning a colleague away would let a flood keep the office out.
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None
