"""The daily retention run covers the plumbing: finished task rows past
TASK_RESULTS_KEEP_DAYS go (their arguments and tracebacks can name residents), waiting and
running tasks and recent results stay, and the run says what it did."""

import datetime as dt
import logging

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from helpdesk.privacy import anonymise_daily, retention_run
from notifications.sweep import sms_sweep_task

pytestmark = pytest.mark.django_db


def task_row(status: str, finished_days_ago: float | None) -> str:
    result = sms_sweep_task.enqueue(slot="2000-01-01T00:00:00+00:00")
    finished = (
        timezone.now() - dt.timedelta(days=finished_days_ago)
        if finished_days_ago is not None
        else None
    )
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished)
    return str(result.id)


def test_old_finished_task_rows_are_pruned_and_the_rest_kept(settings, caplog):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    old_done = task_row("SUCCESSFUL", 15)
    old_failed = task_row("FAILED", 30)
    recent = task_row("SUCCESSFUL", 2)
    waiting = task_row("READY", None)
    running = task_row("RUNNING", None)
    with caplog.at_level(logging.INFO, logger="helpdesk.privacy"):
        retention_run()
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert not {old_done, old_failed} & left
    assert {recent, waiting, running} <= left
    # Tomorrow's run is booked, and the run said what it did.
    assert DBTaskResult.objects.filter(
        task_path=anonymise_daily.module_path, status="READY"
    ).exists()
    line = next(r.getMessage() for r in caplog.records if "retention run" in r.getMessage())
    assert "2 task results" in line and "residents anonymised" in line


def test_the_sweep_says_what_it_did(caplog):
    from notifications.sweep import sms_sweep

    with caplog.at_level(logging.INFO, logger="notifications.sweep"):
        sms_sweep()
    assert any("sms sweep" in r.getMessage() for r in caplog.records)
