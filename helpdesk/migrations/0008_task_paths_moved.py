"""Waiting background work keeps running after the offer lifecycle moved into helpdesk: task
rows store the task's import path, so the rows enqueued under the old paths are renamed."""

from django.db import migrations

MOVED = {
    "matching.tasks.helprequest_match_task": "helpdesk.offers.helprequest_match_task",
    "matching.tasks.offers_expire_task": "helpdesk.offers.offers_expire_task",
    "helpdesk.tasks.callback_due_task": "helpdesk.callbacks.callback_due_task",
}


def forwards(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        DBTaskResult.objects.filter(task_path=old).update(task_path=new)


def backwards(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        DBTaskResult.objects.filter(task_path=new).update(task_path=old)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0007_operators_only"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
