"""The settings switch: what the environment selects is what Django gets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'layer': settings.CHANNEL_LAYERS['default']['BACKEND'], "
    "'options': settings.DATABASES['default'].get('OPTIONS', {}), "
    "'sms': settings.SMS_BACKEND, 'tz': settings.TIME_ZONE, 'lang': settings.LANGUAGE_CODE}))"
)
CLEAN = {
    k: v
    for k, v in os.environ.items()
    if k not in {"DATABASE_URL", "REDIS_URL", "SMS_BACKEND", "DJANGO_DEBUG", "DJANGO_SECRET_KEY"}
}


def settings_with(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**CLEAN, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(**env) -> dict:
    result = settings_with(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_no_set_up():
    found = probe()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in found["options"]["init_command"]
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"
    assert found["sms"] == "console"
    assert (found["tz"], found["lang"]) == ("Europe/Stockholm", "sv")


def test_database_url_selects_postgresql_and_redis_url_selects_redis():
    found = probe(
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["layer"] == "channels_redis.core.RedisChannelLayer"


def test_production_without_a_secret_key_fails_with_a_clear_message():
    result = settings_with(DJANGO_DEBUG="False")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_twilio_backend_without_credentials_fails_with_a_clear_message():
    result = settings_with(SMS_BACKEND="twilio")
    assert result.returncode != 0
    assert "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" in result.stderr


@pytest.mark.django_db
def test_the_running_suite_uses_the_configured_database():
    from django.db import connection

    expected = "postgresql" if os.getenv("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.redis
def test_redis_url_gives_a_working_redis_channel_layer(client):
    from channels.layers import get_channel_layer

    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    assert client.get("/healthz").json()["checks"]["channel_layer"]["status"] == "ok"


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_holds_the_one_accepted_offer_rule_as_a_partial_unique_index():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "matching_offer")
    rule = constraints["offer_one_accepted_per_request"]
    assert rule["unique"] and rule["columns"] == ["request_id"]
