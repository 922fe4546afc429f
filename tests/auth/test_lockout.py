"""django-axes on every password login path: locks one user name at one address, refuses
before any password is hashed, says how long, and logs lock and release masked."""

import logging
import threading
import time

import pytest
from django.conf import settings as django_settings

from config.login import login_password_check_slot
from tests.conftest import DEMO_PASSWORD, make_user

LOGIN_PATHS = ["/login/", "/admin/login/"]


def attempt(client, path: str, username: str, password: str):
    return client.post(path, {"username": username, "password": password})


def signed_in_or_pending(client) -> bool:
    return "_auth_user_id" in client.session or "login_pending" in client.session


@pytest.fixture
def staff(db):
    return make_user("henrietta.larsson", "admin", is_staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_a_user_is_locked_out_after_the_limit_on_every_login_path(client, staff, path):
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT - 1):
        assert attempt(client, path, "henrietta.larsson", "wrong").status_code == 200
    # The attempt that reaches the limit is the first one refused.
    assert attempt(client, path, "henrietta.larsson", "wrong").status_code == 429
    response = attempt(client, path, "henrietta.larsson", DEMO_PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "låst" in text and "15 minuter" in text
    assert not signed_in_or_pending(client)


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_below_the_limit_the_right_password_is_taken(client, staff, path):
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(client, path, "henrietta.larsson", "wrong")
    response = attempt(client, path, "henrietta.larsson", DEMO_PASSWORD)
    assert response.status_code == 302
    assert signed_in_or_pending(client)


@pytest.mark.django_db
@pytest.mark.parametrize("first, then", [LOGIN_PATHS, LOGIN_PATHS[::-1]])
def test_a_lock_out_on_one_path_holds_on_the_other(client, staff, first, then):
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT):
        attempt(client, first, "henrietta.larsson", "wrong")
    assert attempt(client, then, "henrietta.larsson", DEMO_PASSWORD).status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_colleagues_behind_the_same_address_still_sign_in(client, staff, operator, path):
    # Someone at the office guesses: a real colleague's name, and made-up ones.
    for name in ["henrietta.larsson", "admin", "root", "kalle", "test"]:
        for _ in range(django_settings.LOGIN_FAILURE_LIMIT + 1):
            attempt(client, path, name, "guess")
    assert attempt(client, path, "henrietta.larsson", DEMO_PASSWORD).status_code == 429
    operator.is_staff = True
    operator.save()
    response = attempt(client, path, "olivia", DEMO_PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_a_locked_out_attempt_hashes_no_password(client, hashes, path):
    make_user("henrietta.larsson", "admin", is_staff=True)
    before = hashes.value
    attempt(client, path, "henrietta.larsson", "wrong")
    assert hashes.value > before, "the counting hasher must see an allowed attempt"
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(client, path, "henrietta.larsson", "wrong")
    for name in ["nobody-at-all"] * django_settings.LOGIN_FAILURE_LIMIT:
        attempt(client, path, name, "guess")

    before = hashes.value
    for name, password in [
        ("henrietta.larsson", DEMO_PASSWORD),
        ("henrietta.larsson", "wrong"),
        ("Henrietta.Larsson ", "wrong"),
        ("nobody-at-all", "guess"),
    ] * 5:
        assert attempt(client, path, name, password).status_code == 429
    assert hashes.value == before


@pytest.mark.django_db
def test_the_lock_out_page_speaks_english_too(client, staff):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "/login/", "henrietta.larsson", "wrong")
    response = attempt(client, "/login/", "henrietta.larsson", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()


@pytest.mark.django_db
def test_lock_out_and_its_end_are_logged_without_names_or_addresses(
    client, hashes, settings, caplog
):
    make_user("henrietta.larsson", "admin", is_staff=True)  # with the fast counting hasher
    settings.LOGIN_FAILURE_WINDOW = 3
    caplog.set_level(logging.INFO)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "/login/", "henrietta.larsson", "wrong")
    assert attempt(client, "/login/", "henrietta.larsson", "wrong").status_code == 429
    assert attempt(client, "/login/", "henrietta.larsson", DEMO_PASSWORD).status_code == 429
    locked = [r for r in caplog.records if "locked for" in r.getMessage()]
    assert len(locked) == 1, [r.getMessage() for r in caplog.records]

    deadline = time.monotonic() + 10
    while attempt(client, "/login/", "henrietta.larsson", DEMO_PASSWORD).status_code == 429:
        assert time.monotonic() < deadline, "the lock-out did not end"
        time.sleep(0.1)
    released = [r for r in caplog.records if "lock over" in r.getMessage()]
    assert len(released) == 1

    assert "h***************n" in locked[0].getMessage()
    for record in caplog.records:
        message = record.getMessage()
        assert "henrietta" not in message.lower()
        assert "127.0.0.1" not in message


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_a_sign_in_that_waited_past_its_turn_still_gets_in(client, hashes, path, settings):
    """Turning a colleague away because others' checks are running would let a flood keep
    the office out: past LOGIN_PASSWORD_CHECK_WAIT the check goes ahead."""
    settings.LOGIN_PASSWORD_CHECK_WAIT = 0
    make_user("henrietta.larsson", "admin", is_staff=True)
    with login_password_check_slot() as taken:
        assert taken
        response = attempt(client, path, "henrietta.larsson", DEMO_PASSWORD)
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_an_unknown_user_name_costs_no_password_hash_and_takes_as_long(client, hashes, path):
    """Made-up names never reach a lock-out: their guesses hash nothing (a flood of them costs
    no CPU), yet take as long as a real check, so the timing does not tell which names exist."""
    from config.passwords import password_check_seconds

    make_user("henrietta.larsson", "operator")
    check = password_check_seconds()
    before = hashes.value
    started = time.perf_counter()
    response = attempt(client, path, "no.such.person", "a guess")
    unknown = time.perf_counter() - started
    assert response.status_code == 200 and hashes.value == before
    started = time.perf_counter()
    attempt(client, path, "henrietta.larsson", "a wrong guess")
    known = time.perf_counter() - started
    assert hashes.value == before + 1
    assert unknown >= 0.85 * check
    assert unknown >= 0.5 * known


@pytest.mark.django_db
def test_a_sign_in_waits_its_turn_for_a_password_check_and_gets_in(client, settings):
    """A flood of made-up names never reaches a lock-out; a colleague's sign-in that finds the
    password check taken waits for it rather than being turned away."""
    settings.LOGIN_PASSWORD_CHECK_WAIT = 10
    make_user("henrietta.larsson", "operator")
    held, release = threading.Event(), threading.Event()

    def another_check() -> None:
        with login_password_check_slot() as taken:
            assert taken
            held.set()
            release.wait(5)

    other = threading.Thread(target=another_check)
    other.start()
    assert held.wait(5)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    response = attempt(client, "/login/", "henrietta.larsson", DEMO_PASSWORD)
    other.join(5)
    assert response.status_code == 302
    assert time.monotonic() - started >= 0.25  # it waited for the other check


@pytest.mark.django_db
def test_signing_in_and_its_counts_keep_working_while_redis_is_down(client, settings):
    """Redis carries the boards' live updates and the default cache; the sign-in counts live
    in the database, so an outage of Redis locks nobody out of the support line."""
    settings.CACHES = {
        **settings.CACHES,
        # A Redis that answers nothing: a closed port on this machine.
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
        "axes": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "samhjalp_login_attempts",
        },
    }
    settings.AXES_CACHE = "axes"
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    make_user("olle", "operator")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert attempt(client, "/login/", "olle", "wrong").status_code == 200
    assert attempt(client, "/login/", "olle", "wrong").status_code == 429  # still counted
    other = make_user("olivia.o", "operator")
    assert attempt(client, "/login/", other.username, DEMO_PASSWORD).status_code == 302
    assert signed_in_or_pending(client)
