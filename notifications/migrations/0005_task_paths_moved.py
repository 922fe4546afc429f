"""Waiting SMS work keeps running after the tasks moved beside the work they run (services,
inbound, sweep): task rows store the task's import path, so rows under the old paths are
renamed."""

from django.db import migrations

MOVED = {
    "notifications.tasks.message_deliver_task": "notifications.services.message_deliver_task",
    "notifications.tasks.inbound_process_task": "notifications.inbound.inbound_process_task",
    "notifications.tasks.sms_sweep_task": "notifications.sweep.sms_sweep_task",
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
        ("notifications", "0004_worker_heartbeat"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
