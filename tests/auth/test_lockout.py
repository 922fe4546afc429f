"""django-axes on every password login path: locks one user name at one address, refuses
before any password is hashed, says how long, and logs lock and release masked."""

import logging
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
def test_a_sign_in_finding_every_password_check_busy_is_answered_at_once(client, hashes, path):
    make_user("henrietta.larsson", "admin", is_staff=True)
    before = hashes.value
    # Another request is checking a password on this process right now.
    with login_password_check_slot() as taken:
        assert taken
        response = attempt(client, path, "henrietta.larsson", DEMO_PASSWORD)
    assert response.status_code == 429 and response["Retry-After"] == "2"
    assert "Försök igen om några sekunder" in response.content.decode()
    assert hashes.value == before and not signed_in_or_pending(client)
    assert attempt(client, path, "henrietta.larsson", DEMO_PASSWORD).status_code == 302
