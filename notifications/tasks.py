"""Background work for SMS: thin django_tasks wrappers around the services."""

from django_tasks import task

from .inbound import inbound_process
from .services import message_deliver
from .sweep import sms_sweep, sweep_tick


@task()
def message_deliver_task(*, message_id: int) -> None:
    message_deliver(message_id=message_id)


@task()
def inbound_process_task(*, message_id: int) -> None:
    inbound_process(message_id=message_id)


@task()
def sms_sweep_task(*, slot: str) -> None:
    """One run of the periodic sweep; continues the chain only if `slot` is still current."""
    sweep_tick(slot=slot, sweep=sms_sweep)
