"""Configuration as deployed: a `.env` file fills in what the environment leaves unset,
secrets come from NAME_FILE mounts, and `check --deploy` is clean with settings given only
that way (the .env of a VM, the secret files of a container)."""

import os
import subprocess
import sys

from .checkout import ROOT

SHOW = (
    "from django.conf import settings; "
    "print(settings.SECRET_KEY, settings.ALLOWED_HOSTS[0], settings.TWILIO_AUTH_TOKEN, "
    "settings.DEBUG)"
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SMS_", "TWILIO_", "DOTENV_"))
        and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_dotenv_file_fills_in_and_the_environment_wins(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "DJANGO_ALLOWED_HOSTS=from-dotenv.example\nTWILIO_AUTH_TOKEN=token-from-dotenv\n"
    )
    shown = run(
        ["-c", "import django; django.setup(); " + SHOW],
        DOTENV_PATH=str(dotenv),
        TWILIO_AUTH_TOKEN="token-from-environment",
    )
    assert shown.returncode == 0, shown.stderr
    _, host, token, _ = shown.stdout.split()
    assert (host, token) == ("from-dotenv.example", "token-from-environment")


def test_secrets_from_files(tmp_path):
    (tmp_path / "secret_key").write_text("s" * 60 + "\n")
    (tmp_path / "twilio_token").write_text("token-from-a-file\n")
    shown = run(
        ["-c", "import django; django.setup(); " + SHOW],
        DOTENV_PATH=str(tmp_path / "none"),
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        TWILIO_AUTH_TOKEN_FILE=str(tmp_path / "twilio_token"),
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == ["s" * 60, "127.0.0.1", "token-from-a-file", "False"]


def test_a_secret_file_that_cannot_be_read_is_named_plainly(tmp_path):
    shown = run(
        ["manage.py", "check"],
        DOTENV_PATH=str(tmp_path / "none"),
        TWILIO_AUTH_TOKEN_FILE=str(tmp_path / "missing"),
    )
    assert shown.returncode != 0
    last = shown.stderr.strip().splitlines()[-1]
    assert "TWILIO_AUTH_TOKEN_FILE names" in last and "cannot be read" in last, shown.stderr


def test_check_deploy_is_clean_with_production_settings_from_dotenv_and_files(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 20 + "production-like-secret-key-with-entropy-42\n")
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "DJANGO_DEBUG=False\n"
        f"DJANGO_SECRET_KEY_FILE={tmp_path / 'secret_key'}\n"
        "DJANGO_ALLOWED_HOSTS=samhjalp.example.se\n"
        "DJANGO_CSRF_TRUSTED_ORIGINS=https://samhjalp.example.se\n"
        "PUBLIC_BASE_URL=https://samhjalp.example.se\n"
    )
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DOTENV_PATH=str(dotenv)
    )
    assert result.returncode == 0, result.stdout + result.stderr
