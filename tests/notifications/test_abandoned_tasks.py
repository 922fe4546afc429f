"""A task a dead worker left in RUNNING is run again after the lease; a live one is not."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from notifications.sweep import sms_sweep, tasks_requeue_abandoned

pytestmark = pytest.mark.django_db

calls: list[str] = []


@task()
def remember(label: str) -> None:
    calls.append(label)


def running_since(started_at) -> DBTaskResult:
    remember.enqueue("expiry")
    row = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING", started_at=started_at, worker_ids=["killed-worker"]
    )
    return row


def test_a_task_abandoned_past_the_lease_runs_again(run_tasks, settings):
    settings.TASK_LEASE = 600
    calls.clear()
    row = running_since(timezone.now() - timedelta(minutes=11))
    assert sms_sweep()["tasks"] == 1
    assert run_tasks() == 1
    assert calls == ["expiry"]
    assert DBTaskResult.objects.get(pk=row.pk).status == "SUCCESSFUL"


def test_a_task_still_within_its_lease_is_left_alone(run_tasks, settings):
    settings.TASK_LEASE = 600
    calls.clear()
    running_since(timezone.now() - timedelta(minutes=2))
    assert tasks_requeue_abandoned() == 0
    assert run_tasks() == 0
    assert calls == []
