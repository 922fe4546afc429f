"""The periodic sweep reschedules itself and cannot multiply."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import SweepSchedule
from notifications.sweep import sms_sweep_task, sweep_schedule_ensure, sweep_tick

PATH = "notifications.sweep.sms_sweep_task"


def scheduled():
    return DBTaskResult.objects.filter(task_path=PATH, status="READY")


@pytest.mark.django_db
def test_ensure_starts_one_chain_however_often_it_runs():
    assert sweep_schedule_ensure() is True
    assert sweep_schedule_ensure() is False
    assert sweep_schedule_ensure() is False
    assert scheduled().count() == 1


@pytest.mark.django_db
def test_each_tick_enqueues_exactly_the_next(run_tasks):
    sweep_schedule_ensure()
    for _ in range(3):
        row = SweepSchedule.objects.get()
        assert run_tasks(now=row.next_run_at + timedelta(seconds=1)) == 1
        assert scheduled().count() == 1
        assert SweepSchedule.objects.get().next_run_at > row.next_run_at


@pytest.mark.django_db
def test_a_duplicate_chain_dies_at_its_next_tick(run_tasks):
    sweep_schedule_ensure()
    slot = SweepSchedule.objects.get().next_run_at
    # A second task for the same slot, as a crashed or doubled start-up might leave.
    sms_sweep_task.using(run_after=slot).enqueue(slot=slot.isoformat())
    ran = []
    assert sweep_tick(slot=slot.isoformat(), sweep=lambda: ran.append(1)) is True
    assert sweep_tick(slot=slot.isoformat(), sweep=lambda: ran.append(1)) is False
    assert ran == [1]
    run_tasks(now=slot + timedelta(seconds=1))
    assert scheduled().count() == 1


@pytest.mark.django_db
def test_a_dead_chain_is_restarted():
    sweep_schedule_ensure()
    scheduled().delete()
    SweepSchedule.objects.update(next_run_at=timezone.now() - timedelta(hours=1))
    assert sweep_schedule_ensure() is True
    assert scheduled().count() == 1
