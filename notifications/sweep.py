"""The safety net under delivery: rows stuck in queued or sending past a lease (a worker
killed mid-send, a task row lost) are put back and enqueued again, and inbound messages whose
handling never committed are handled again.

The sweep runs from `manage.py sms_sweep` and, every SMS_SWEEP_INTERVAL seconds, as a delayed
task that reschedules itself. A SweepSchedule row names the one slot that may continue the
chain, so a second chain started by accident dies at its next tick instead of doubling.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task
from prometheus_client import Counter

from .inbound import inbound_process_task
from .models import Message, SweepSchedule
from .services import MAX_ATTEMPTS, message_deliver_task

log = logging.getLogger(__name__)

SWEEP_RUNS = Counter("samhjalp_sms_sweep_runs", "SMS sweeps run.")
SWEEP_REQUEUED = Counter(
    "samhjalp_sms_sweep_requeued",
    "Rows the SMS sweep put back: sending, queued, inbound, tasks (abandoned background tasks).",
    ["kind"],
)
TASK_RESULTS_PRUNED = Counter(
    "samhjalp_task_results_pruned", "Finished background task rows deleted by retention."
)

SCHEDULE_NAME = "sms_sweep"
LEASE_SECONDS = 120
INTERVAL_SECONDS = 60


def sweep_lease() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "SMS_SEND_LEASE", LEASE_SECONDS)))


def sweep_interval() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "SMS_SWEEP_INTERVAL", INTERVAL_SECONDS)))


def sms_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Re-enqueue what is stuck; returns how many rows of each kind."""
    now = now or timezone.now()
    cutoff = now - sweep_lease()
    counts = {"sending": 0, "queued": 0, "inbound": 0}
    outbound = Message.objects.filter(direction=Message.Direction.OUTBOUND)

    for pk, claimed_at in outbound.filter(
        status=Message.Status.SENDING, claimed_at__lt=cutoff
    ).values_list("pk", "claimed_at"):
        with transaction.atomic():
            # Conditional on the claim we saw, so a worker that finishes meanwhile wins.
            if outbound.filter(pk=pk, status=Message.Status.SENDING, claimed_at=claimed_at).update(
                status=Message.Status.QUEUED,
                status_rank=Message.STATUS_RANK[Message.Status.QUEUED],
                next_attempt_at=now,
                updated_at=now,
            ):
                message_deliver_task.enqueue(message_id=pk)
                counts["sending"] += 1

    for pk, due in outbound.filter(
        status=Message.Status.QUEUED, next_attempt_at__lt=cutoff
    ).values_list("pk", "next_attempt_at"):
        with transaction.atomic():
            if outbound.filter(pk=pk, status=Message.Status.QUEUED, next_attempt_at=due).update(
                next_attempt_at=now, updated_at=now
            ):
                message_deliver_task.enqueue(message_id=pk)
                counts["queued"] += 1

    max_attempts = int(getattr(settings, "SMS_MAX_ATTEMPTS", MAX_ATTEMPTS))
    inbound = Message.objects.filter(
        direction=Message.Direction.INBOUND, claimed_at__isnull=True, attempts__lt=max_attempts
    )
    for pk, due in inbound.filter(next_attempt_at__lt=cutoff).values_list("pk", "next_attempt_at"):
        with transaction.atomic():
            if inbound.filter(pk=pk, next_attempt_at=due).update(next_attempt_at=now):
                inbound_process_task.enqueue(message_id=pk)
                counts["inbound"] += 1

    counts["tasks"] = tasks_requeue_abandoned(now=now)
    SWEEP_RUNS.inc()
    for kind, count in counts.items():
        SWEEP_REQUEUED.labels(kind=kind).inc(count)
    if any(counts.values()):
        log.warning("sms sweep re-enqueued %s", counts)
    else:
        log.info("sms sweep found nothing stuck")
    return counts


def task_lease() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "TASK_LEASE", 600)))


def tasks_requeue_abandoned(*, now: datetime | None = None) -> int:
    """Put background tasks left running by a worker that died (SIGKILL, a lost machine) back
    in the queue. django_tasks_db leaves such rows in RUNNING for ever, so an offer's expiry or
    a matching wave cut off mid-way would never happen. Every task here is safe to run again:
    each claims its work with a conditional update before acting."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    abandoned = DBTaskResult.objects.filter(
        status="RUNNING", started_at__lt=now - task_lease()
    ).values_list("pk", "started_at", "task_path")
    requeued = 0
    for pk, started_at, task_path in abandoned:
        if DBTaskResult.objects.filter(pk=pk, status="RUNNING", started_at=started_at).update(
            status="READY", run_after=now, started_at=None
        ):
            log.warning("task %s (%s) abandoned since %s: queued again", pk, task_path, started_at)
            requeued += 1
    return requeued


def task_results_prune(*, now: datetime | None = None) -> int:
    """Delete finished background task rows older than TASK_RESULTS_KEEP_DAYS: their
    arguments, return values and tracebacks can name residents. Waiting and running tasks are
    never touched. What django-tasks-db's prune_db_task_results does, for the daily run."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    keep = timedelta(days=int(getattr(settings, "TASK_RESULTS_KEEP_DAYS", 14)))
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=now - keep).delete()
    TASK_RESULTS_PRUNED.inc(deleted)
    return deleted


def sweep_schedule_ensure(*, now: datetime | None = None) -> bool:
    """Start the periodic sweep unless a live chain exists. Returns True if it started one.

    Safe to run from every worker at start-up: only one caller wins the conditional update.
    """
    now = now or timezone.now()
    first = now + timedelta(seconds=1)
    with transaction.atomic():
        row, created = SweepSchedule.objects.get_or_create(
            name=SCHEDULE_NAME, defaults={"next_run_at": first}
        )
        if not created:
            # A chain whose next run is long overdue has died (its task row was lost).
            if row.next_run_at > now - 3 * sweep_interval():
                return False
            if not SweepSchedule.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
                next_run_at=first
            ):
                return False
        sms_sweep_task.using(run_after=first).enqueue(slot=first.isoformat())
    return True


def sweep_tick(*, slot: str, sweep: Callable[[], object]) -> bool:
    """Run the sweep if `slot` is the schedule's current one, and enqueue the next run.

    Returns False, doing nothing, for a stale or duplicate task.
    """
    current = parse_datetime(slot)
    if current is None:
        return False
    now = timezone.now()
    # Next slot from the current one, not from the clock: a late run does not drift, and a
    # worker that was down does not replay every missed slot.
    following = current + sweep_interval()
    if following <= now:
        following = now + sweep_interval()
    with transaction.atomic():
        if not SweepSchedule.objects.filter(name=SCHEDULE_NAME, next_run_at=current).update(
            next_run_at=following
        ):
            return False
        sms_sweep_task.using(run_after=following).enqueue(slot=following.isoformat())
    sweep()
    return True


@task()
def sms_sweep_task(*, slot: str) -> None:
    """One run of the periodic sweep; continues the chain only if `slot` is still current."""
    sweep_tick(slot=slot, sweep=sms_sweep)
