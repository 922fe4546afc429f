"""Work waiting in the task table when tasks moved beside the work they run (the offer
lifecycle into helpdesk, the SMS tasks into notifications' services) still runs: each
migration renames the stored task paths, and each new path is a task."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

MIGRATIONS = [
    importlib.import_module("helpdesk.migrations.0008_task_paths_moved"),
    importlib.import_module("notifications.migrations.0005_task_paths_moved"),
]


@pytest.mark.parametrize("moved", MIGRATIONS, ids=lambda m: m.__name__)
def test_waiting_rows_are_renamed_and_point_at_tasks(moved):
    rows = [
        DBTaskResult.objects.create(
            task_path=old,
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=timezone.now(),
            exception_class_path="",
            traceback="",
        )
        for old in moved.MOVED
    ]

    moved.forwards(apps, None)

    for row, new in zip(rows, moved.MOVED.values(), strict=True):
        row.refresh_from_db()
        assert row.task_path == new
        assert isinstance(import_string(new), Task)
    moved.backwards(apps, None)
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == sorted(moved.MOVED)
