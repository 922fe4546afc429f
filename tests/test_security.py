"""Login throttling (more in tests/auth), phone numbers masked in logs, production settings,
no secrets in the repo."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config.logging import MaskPersonalData
from tests.conftest import login_caches_private

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    login_caches_private(settings, "security")


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client, operator, settings):
    # LOGIN_FAILURE_LIMIT and LOGIN_FAILURE_WINDOW still set the limit (django-axes reads them).
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW = 120
    for _ in range(2):
        response = client.post("/login/", {"username": "olivia", "password": "wrong"})
        assert response.status_code == 200
    assert client.post("/login/", {"username": "olivia", "password": "x"}).status_code == 429
    # Even the right password is refused now, with a message that says why and how long.
    response = client.post("/login/", {"username": "olivia", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "2 minuter" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_below_the_limit_works(client, operator, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client.post("/login/", {"username": "olivia", "password": "wrong"})
    response = client.post("/login/", {"username": "olivia", "password": "correct-horse-battery"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("sms to +46701234567 sent", "701234567"),
        ("From=%2B46701234567&Body=hej", "701234567"),
        ("caller 0046 70 123 45 67", "70 123 45"),
        ("national 070-123 45 67 here", "123 45"),
    ],
)
def test_phone_numbers_are_masked_in_logs(text, hidden, caplog):
    logger = logging.getLogger("samhjalp.test")
    record = logger.makeRecord("samhjalp.test", logging.INFO, __file__, 1, "%s", (text,), None)
    MaskPersonalData().filter(record)
    assert hidden not in record.getMessage()
    assert record.getMessage().count("*") >= 5


def test_other_numbers_in_logs_are_left_alone():
    record = logging.makeLogRecord({"msg": "request 4821 took 12.5 ms at 2026-11-23 14:00"})
    MaskPersonalData().filter(record)
    assert record.getMessage() == "request 4821 took 12.5 ms at 2026-11-23 14:00"


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMS_"))},
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-0123",
        "DJANGO_ALLOWED_HOSTS": "samhjalp.example.se",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_credentials_in_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    secret = re.compile(r"\b(AC|SK)[0-9a-f]{32}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----")
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".py", ".txt", ".md", ".html", ".js", ".example", ".toml", ""}:
            try:
                if secret.search(path.read_text(errors="ignore")):
                    offenders.append(name)
            except (IsADirectoryError, FileNotFoundError):
                continue
    assert offenders == []


@pytest.mark.django_db
def test_an_oversized_form_body_is_refused_before_it_is_parsed(client, settings):
    response = client.post(
        "/login/", {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "password": "y"}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_every_page_sends_a_nonce_based_policy_without_unsafe_inline(client, settings):
    """Every page a signed-in user opens carries the Content-Security-Policy with this
    response's nonce on its scripts; nothing allows inline code."""
    from django.contrib.auth.models import User

    from tests.hardening.urlwalk import routes

    settings.SMS_BACKEND = "console"
    client.force_login(User.objects.create_superuser("root", password="correct-horse-battery"))
    pages = 0
    for route in routes():
        if route.params or route.is_signed_webhook or route.name == "logout":
            continue
        response = client.get("/" + route.route)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy, route.route
        if b"<script" in response.content:
            nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
            assert f'nonce="{nonce}"'.encode() in response.content, route.route
        pages += 1
    assert pages >= 8
