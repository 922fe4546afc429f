"""Upgrades: a database made by the oldest supported release's migrations, with a row in
every table, migrates forward to today's migrations and keeps every row (SQLite here, and
PostgreSQL in CI's PostgreSQL pass)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.observability.oldest_state import OLDEST

ROOT = Path(__file__).resolve().parents[2]


def migrate_from_oldest(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING", **env)
    result = subprocess.run(
        [sys.executable, "-m", "tests.observability.oldest_state"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def check(summary: dict) -> None:
    assert summary["forward"] > 0, "nothing to migrate: is OLDEST still older than today?"
    assert summary["left"] == 0
    apps = {label.split(".")[0] for label in summary["before"]}
    assert {app for app, _ in OLDEST} <= apps
    for label, count in summary["before"].items():
        assert summary["after"][label] in (count, None), label


def test_the_oldest_release_migrates_forward_on_sqlite(tmp_path):
    check(migrate_from_oldest(SQLITE_PATH=str(tmp_path / "oldest.sqlite3")))


@pytest.mark.postgres
def test_the_oldest_release_migrates_forward_on_postgresql():
    from django.db import connection

    server = connection.settings_dict
    base = f"postgresql://{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
    name = f"samhjalp_upgrade_{uuid.uuid4().hex[:8]}"

    def psql(sql: str) -> None:
        subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True, timeout=60)

    psql(f'CREATE DATABASE "{name}"')
    try:
        summary = migrate_from_oldest(DATABASE_URL=f"{base}/{name}")
        assert summary["vendor"] == "postgresql"
        check(summary)
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
