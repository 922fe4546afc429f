"""The test task runner runs what the real worker would, and surfaces failures."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task


@task()
def add_note(text: str) -> str:
    return text.upper()


@task()
def broken() -> None:
    raise ValueError("boom")


def test_runs_due_tasks_and_waits_for_delayed_ones(run_tasks):
    add_note.enqueue("now")
    later = add_note.using(run_after=timezone.now() + timedelta(minutes=20))
    later.enqueue("later")
    assert run_tasks() == 1
    assert run_tasks.pending().count() == 1
    assert run_tasks(now=timezone.now() + timedelta(minutes=21)) == 1
    assert run_tasks.pending().count() == 0


def test_a_failing_task_fails_the_test_unless_expected(run_tasks):
    broken.enqueue()
    with pytest.raises(AssertionError, match="boom"):
        run_tasks()
    broken.enqueue()
    assert run_tasks(raise_failures=False) == 1
