"""The background worker's health, and the SMS and task-queue figures for `/metrics`.

Each `manage.py task_worker` process stamps a WorkerHeartbeat row every
WORKER_HEARTBEAT_INTERVAL seconds from a thread beside django-tasks-db's loop (the library
stays as it is). `/readyz` fails its "worker" check when no worker has beaten within
WORKER_HEARTBEAT_STALE seconds, and reports the oldest task waiting to run.
"""

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .models import Message, WorkerHeartbeat

log = logging.getLogger(__name__)


def heartbeat_interval() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_INTERVAL", 10))


def heartbeat_stale() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "WORKER_HEARTBEAT_STALE", 60)))


def worker_beat(*, worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id[:64], defaults={"beat_at": now, "started_at": started_at}
    )


def worker_beats_prune(*, now: datetime | None = None) -> int:
    """Rows of workers gone for a day: each restart brings a new worker id."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()[0]


class Heartbeat(threading.Thread):
    """Beats until stopped. A beat that fails (the database is away) is logged and tried
    again at the next interval; the worker itself rides out the outage (task_worker)."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    close_old_connections()
                    worker_beat(worker_id=self.worker_id, started_at=self.started_at)
                except DatabaseError as exc:
                    log.warning("worker heartbeat failed: %s", type(exc).__name__)
                self.stopped.wait(heartbeat_interval())
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def last_beat() -> datetime | None:
    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def queue_oldest_due(*, now: datetime | None = None) -> datetime | None:
    """When the task that has waited longest to run became due (None: nothing waits)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    ready = DBTaskResult.objects.ready()
    due_at_once = ready.filter(run_after__gt=now).aggregate(at=Min("enqueued_at"))["at"]
    delayed = ready.filter(run_after__lte=now).aggregate(at=Min("run_after"))["at"]
    times = [t for t in (due_at_once, delayed) if t is not None]
    return min(times) if times else None


def worker_check() -> dict:
    now = timezone.now()
    beat = last_beat()
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=now - heartbeat_stale()).count()
    detail = {
        "status": "ok" if alive else "error: no worker has beaten",
        "alive": alive,
        "last_beat": beat.isoformat() if beat else None,
        "last_beat_age_s": round((now - beat).total_seconds(), 1) if beat else None,
    }
    if not getattr(settings, "READYZ_WORKER_REQUIRED", True) and not alive:
        detail["status"] = "ok"
    return detail


def queue_check() -> dict:
    now = timezone.now()
    oldest = queue_oldest_due(now=now)
    from django_tasks_db.models import DBTaskResult

    return {
        "status": "ok",
        "waiting": DBTaskResult.objects.ready().count(),
        "oldest_waiting_since": oldest.isoformat() if oldest else None,
        "oldest_waiting_age_s": round((now - oldest).total_seconds(), 1) if oldest else 0,
    }


class NotificationsCollector:
    """SMS and task-queue figures, read from the database at scrape time."""

    def collect(self):
        from django_tasks_db.models import DBTaskResult

        now = timezone.now()
        messages = GaugeMetricFamily(
            "samhjalp_sms_messages",
            "SMS by direction and status (queued, sending, sent, delivered, failed, ...).",
            labels=["direction", "status"],
        )
        for row in Message.objects.values("direction", "status").annotate(n=Count("pk")):
            messages.add_metric([row["direction"], row["status"]], row["n"])
        yield messages

        failed = GaugeMetricFamily(
            "samhjalp_sms_failed_messages",
            "Outgoing SMS failed, undelivered or refused, by the provider's error code.",
            labels=["reason"],
        )
        for row in (
            Message.objects.filter(
                direction=Message.Direction.OUTBOUND,
                status__in=[
                    Message.Status.FAILED,
                    Message.Status.UNDELIVERED,
                    Message.Status.REFUSED,
                ],
            )
            .values("status", "error_code")
            .annotate(n=Count("pk"))
        ):
            # Refused rows (opted out, a landline) carry no provider code: the status says why.
            failed.add_metric([row["error_code"] or row["status"]], row["n"])
        yield failed

        inbound = Message.objects.filter(direction=Message.Direction.INBOUND)
        yield CounterMetricFamily(
            "samhjalp_sms_inbound_received", "SMS received.", value=inbound.count()
        )
        yield GaugeMetricFamily(
            "samhjalp_sms_inbound_last_minute",
            "SMS received in the last 60 seconds.",
            value=inbound.filter(created_at__gte=now - timedelta(minutes=1)).count(),
        )

        tasks = GaugeMetricFamily(
            "samhjalp_tasks", "Background task rows by status.", labels=["status"]
        )
        for row in DBTaskResult.objects.values("status").annotate(n=Count("pk")):
            tasks.add_metric([row["status"]], row["n"])
        yield tasks
        yield GaugeMetricFamily(
            "samhjalp_task_queue_depth",
            "Tasks due to run and not yet claimed.",
            value=DBTaskResult.objects.ready().count(),
        )
        oldest = queue_oldest_due(now=now)
        yield GaugeMetricFamily(
            "samhjalp_task_queue_oldest_age_seconds",
            "How long the task that has waited longest has been due.",
            value=(now - oldest).total_seconds() if oldest else 0,
        )

        beat = last_beat()
        yield GaugeMetricFamily(
            "samhjalp_worker_last_beat_age_seconds",
            "Seconds since the newest worker heartbeat (-1: no worker ever beat).",
            value=(now - beat).total_seconds() if beat else -1,
        )
        yield GaugeMetricFamily(
            "samhjalp_workers_alive",
            "Workers that beat within WORKER_HEARTBEAT_STALE.",
            value=WorkerHeartbeat.objects.filter(beat_at__gte=now - heartbeat_stale()).count(),
        )


def health_register() -> None:
    """From NotificationsConfig.ready()."""
    from config.metrics import DATABASE_REGISTRY
    from config.probes import readiness_check_register

    from . import sweep  # noqa: F401 (its counters exist, at zero, before the first sweep)

    readiness_check_register("worker", worker_check)
    readiness_check_register("queue", queue_check)
    DATABASE_REGISTRY.register(NotificationsCollector())
