"""Background work for the helpdesk, run by `manage.py db_worker`."""

from django_tasks import task

from .callbacks import callback_due_mark


@task()
def callback_due_task(*, callback_id: int) -> None:
    """Enqueued for a callback's due time: it moves up the boards when it falls due."""
    callback_due_mark(callback_id=callback_id)
