"""A backup restores: the demo database dumped with pg_dump, restored with pg_restore into a
new database, holds every row and gives every figure of the needs report; the retention run
that must follow a restore takes out again what anonymisation had removed since the backup,
and leaves the figures as they were.

Runs against the machine's PostgreSQL (127.0.0.1:5432, or BACKUP_TEST_SERVER), in databases
of its own that it drops afterwards; `manage.py` runs as it would in production."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.getenv("BACKUP_TEST_SERVER", "postgresql://postgres@127.0.0.1:5432")
pytestmark = pytest.mark.postgres

# Row counts of every table and the needs report's figures, as JSON on stdout.
FIGURES = """
import datetime as dt, json
from django.apps import apps
from django.utils.dateparse import parse_datetime
from helpdesk.models import Resident
from helpdesk.reports import needs_report

now = parse_datetime({now!r})

def row(f):
    return [f.requests, f.matched, f.unmet, f.escalated, f.p50_seconds, f.p90_seconds]

def snapshot(report):
    return {{
        "total": row(report.total),
        "districts": [[d.pk if d else None, row(f)] for d, f in report.districts],
        "cells": {{str(k): row(f) for k, f in report.cells.items()}},
        "language": {{k: row(f) for k, f in report.by_language.items()}},
        "channel": {{k: row(f) for k, f in report.by_channel.items()}},
        "risk": {{k: row(f) for k, f in report.by_risk.items()}},
        "series": [[str(d), a, b] for d, a, b in report.series],
    }}

print(json.dumps({{
    "rows": {{m._meta.label: m.objects.count() for m in apps.get_models()}},
    "named_residents": Resident.objects.exclude(name="").count(),
    "figures": {{days: snapshot(needs_report(days=days, now=now)) for days in (7, 30, 90)}},
}}))
"""


def psql(*sql: str) -> None:
    for statement in sql:
        subprocess.run(
            ["psql", f"{SERVER}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", statement],
            check=True,
            capture_output=True,
            timeout=60,
        )


@pytest.fixture
def databases():
    for tool in ("pg_dump", "pg_restore", "psql"):
        if not shutil.which(tool):
            service_missing("postgres", f"needs {tool} (postgresql-client)")
    try:
        psql("SELECT 1")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        service_missing("postgres", f"needs PostgreSQL at {SERVER}")
    names = [f"samhjalp_backup_{part}_{uuid.uuid4().hex[:8]}" for part in ("live", "restored")]
    psql(*(f'CREATE DATABASE "{name}"' for name in names))
    yield names
    psql(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


def manage(database: str, *args: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    environment.update(
        DATABASE_URL=f"{SERVER}/{database}",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        SMS_BACKEND="console",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def figures(database: str, now: str) -> dict:
    return json.loads(manage(database, "shell", "-c", FIGURES.format(now=now)).splitlines()[-1])


def test_a_dump_restores_with_every_row_and_figure_and_retention_runs_again(databases, tmp_path):
    live, restored = databases
    manage(live, "migrate", "--noinput")
    manage(live, "seed_demo")
    from django.utils import timezone

    now = timezone.now().isoformat()
    at_backup = figures(live, now)
    assert at_backup["rows"]["helpdesk.HelpRequest"] > 0
    assert at_backup["named_residents"] > 0

    # The nightly backup (docs/operations.md: pg_dump in the custom format).
    dump = tmp_path / "samhjalp.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"{SERVER}/{live}"],
        check=True,
        timeout=120,
    )
    # After the backup the live database anonymises what is due (every closed case, here).
    manage(live, "anonymise", ANONYMISE_AFTER_DAYS="0")
    live_after = figures(live, now)
    assert live_after["named_residents"] < at_backup["named_residents"]

    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={SERVER}/{restored}", dump],
        check=True,
        timeout=120,
    )
    restored_figures = figures(restored, now)
    # Every row and every figure came back, and so did the names anonymised since.
    assert restored_figures == at_backup
    assert manage(restored, "migrate", "--check") is not None

    # A restore is followed by the retention run, so what was removed stays removed.
    manage(restored, "anonymise", ANONYMISE_AFTER_DAYS="0")
    after_retention = figures(restored, now)
    assert after_retention["named_residents"] == live_after["named_residents"]
    assert after_retention["figures"] == at_backup["figures"] == live_after["figures"]
    kept = ("helpdesk.HelpRequest", "helpdesk.Resident", "matching.Offer", "notifications.Message")
    for label in kept:
        assert after_retention["rows"][label] == at_backup["rows"][label], label
    assert after_retention["rows"] == live_after["rows"]
