"""Residents' personal data: the access log, the right of access (an export), deletion on
request, and anonymisation after the retention period.

What anonymisation removes: names, addresses, positions, phone numbers, message bodies (the
volunteers' SMS about their requests too), notes, task texts, timeline texts and data, board
cards and task results; privacy_erasure says how. What it keeps: each request's kind,
district, channel, language, status, times and timeline events, and the resident's risk
flags, which alone identify no one. Those are what the equity figures are computed from, so
the figures are the same before and after.
"""

import datetime as dt
import json
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django_tasks import task
from prometheus_client import Counter

from notifications.models import Message

from .models import AccessLog, HelpRequest, Resident
from .privacy_erasure import resident_erase

CLOSED = (HelpRequest.Status.DONE, HelpRequest.Status.CANCELLED)

log = logging.getLogger(__name__)
RETENTION_RUNS = Counter("samhjalp_retention_runs", "Daily retention runs.")
RETENTION_DONE = Counter(
    "samhjalp_retention", "What the retention runs removed, by what.", ["what"]
)


def access_log_record(
    *, user: AbstractBaseUser | None, resident: Resident, action: str = AccessLog.Action.VIEW
) -> AccessLog:
    """Record that `user` opened `resident`'s personal data. Call it from every page or export
    that shows a resident's name, phone, address or notes."""
    authenticated = user is not None and user.is_authenticated
    return AccessLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "system",
        resident=resident,
        resident_ref=resident.pk,
        action=action,
    )


def consent_text() -> str:
    """The wording residents agree to, in the active language, with the retention period."""
    return str(settings.CONSENT_TEXT) % {"days": settings.ANONYMISE_AFTER_DAYS}


def resident_consent_record(*, resident: Resident, at: dt.datetime | None = None) -> Resident:
    """Record that the resident agreed to the current wording (settings.CONSENT_VERSION).
    Call it from intake when the resident says yes."""
    resident.consent_at = at or timezone.now()
    resident.consent_version = settings.CONSENT_VERSION
    Resident.objects.filter(pk=resident.pk).update(
        consent_at=resident.consent_at, consent_version=resident.consent_version
    )
    return resident


def _phone(resident: Resident) -> str:
    return str(resident.phone) if resident.phone else ""


def resident_export(resident: Resident) -> dict[str, Any]:
    """Everything we hold about a resident, for a right-of-access request."""
    phone = _phone(resident)
    requests = resident.requests.select_related("district", "assigned_volunteer").order_by(
        "created_at"
    )
    return {
        "exported_at": timezone.now(),
        "resident": {
            "name": resident.name,
            "phone": phone,
            "address": resident.address,
            "district": resident.district.name if resident.district else "",
            "language": resident.language,
            "risk_flags": resident.risk_flags,
            "consent_at": resident.consent_at,
            "consent_version": resident.consent_version,
            "internal_notes": resident.internal_notes,
            "registered_at": resident.created_at,
            "anonymised_at": resident.anonymised_at,
        },
        "requests": [
            {
                "code": r.code,
                "kind": r.get_kind_display(),
                "status": r.get_status_display(),
                "task_text": r.task_text,
                "internal_notes": r.internal_notes,
                "channel": r.get_channel_display(),
                "created_at": r.created_at,
                "closed_at": r.closed_at,
                "volunteer_first_name": r.assigned_volunteer.first_name
                if r.assigned_volunteer
                else "",
                "timeline": [
                    {"at": e.at, "what": e.get_kind_display(), "text": e.text}
                    for e in r.timeline.all()
                ],
            }
            for r in requests
        ],
        "messages": [
            {"at": m.created_at, "direction": m.get_direction_display(), "body": m.body}
            for m in Message.objects.filter(phone=phone).order_by("created_at")
        ]
        if phone
        else [],
        "access_log": [
            {"at": entry.at, "by": entry.username, "action": entry.get_action_display()}
            for entry in AccessLog.objects.filter(resident_ref=resident.pk)
        ],
    }


def resident_export_json(resident: Resident) -> str:
    return json.dumps(
        resident_export(resident), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )


@transaction.atomic
def resident_anonymise(*, resident: Resident, now: dt.datetime | None = None) -> None:
    """Remove what identifies the resident from every table, keep what the statistics need
    (see privacy_erasure)."""
    from .realtime import BoardEventKind, board_publish

    found = resident_erase(resident=resident, now=now)
    # Open boards still hold the cards as they were: give them the emptied ones.
    for request in HelpRequest.objects.filter(pk__in=found.requests).select_related("district"):
        board_publish(request=request, event=BoardEventKind.DETAILS)


def residents_due(*, now: dt.datetime | None = None) -> "list[Resident]":
    """Residents whose requests are all closed, the last one longer ago than the retention
    period, and residents who never made a request and were registered that long ago."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.ANONYMISE_AFTER_DAYS)
    candidates = (
        Resident.objects.filter(anonymised_at__isnull=True)
        .exclude(requests__status__in=HelpRequest.OPEN_STATUSES)
        .annotate(last_closed=Max("requests__closed_at"), last_created=Max("requests__created_at"))
        .filter(
            Q(last_closed__lte=cutoff)
            | Q(last_created__isnull=True, created_at__lte=cutoff)
            | Q(last_closed__isnull=True, last_created__lte=cutoff)
        )
    )
    return list(candidates)


def anonymise_due(*, now: dt.datetime | None = None) -> int:
    count = 0
    for resident in residents_due(now=now):
        resident_anonymise(resident=resident, now=now)
        count += 1
    return count


@transaction.atomic
def resident_delete(*, resident: Resident, user: AbstractBaseUser | None) -> str:
    """Erase a resident on request. Open requests are cancelled; a resident with requests is
    anonymised (the requests stay, anonymous, for the statistics the municipality must keep);
    one without is deleted. The access log keeps the entry. Returns "deleted" or
    "anonymised"."""
    from .offers import helprequest_cancel

    access_log_record(user=user, resident=resident, action=AccessLog.Action.DELETE)
    for request in resident.requests.filter(status__in=HelpRequest.OPEN_STATUSES):
        helprequest_cancel(
            request=request,
            actor=user,
            reason="the resident asked to be deleted",
            text="Cancelled: the resident asked to be deleted.",
        )
    if resident.requests.exists():
        resident_anonymise(resident=resident)
        return "anonymised"
    resident_erase(resident=resident, delete=True)
    return "deleted"


def _next_run(now: dt.datetime) -> dt.datetime:
    """03:00 local time tomorrow: a quiet hour for the support line."""
    local = timezone.localtime(now)
    tomorrow = (local + dt.timedelta(days=1)).replace(hour=3, minute=0, second=0, microsecond=0)
    return tomorrow


def anonymise_schedule_ensure(*, now: dt.datetime | None = None) -> bool:
    """Make sure exactly one daily anonymisation run is waiting. Safe to call from anywhere,
    any number of times, from several processes: the check and the enqueue happen under a
    lock (an advisory lock on PostgreSQL; SQLite's write transactions already queue). Returns
    True when it scheduled a run."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('samhjalp-anonymise'))")
        runs = DBTaskResult.objects.filter(task_path=anonymise_daily.module_path)
        if runs.filter(status="READY").exists():
            return False
        run_after = _next_run(now or timezone.now())
        # A day after the run that is finishing now, even if it ran late.
        last = runs.order_by("-run_after").values_list("run_after", flat=True).first()
        if last is not None and last.year < 9999:
            run_after = max(run_after, last + dt.timedelta(days=1))
        anonymise_daily.using(run_after=run_after).enqueue()
        return True


def retention_run() -> tuple[int, int]:
    """Anonymise what is due, prune the board's outbox (its cards name residents) and the
    finished task rows (their arguments can), then book tomorrow's run (never a second one).
    Returns (residents anonymised, events pruned); the log line and the metrics say it all."""
    from notifications.health import worker_beats_prune
    from notifications.sweep import task_results_prune

    from .realtime import board_events_prune

    anonymised = anonymise_due()
    pruned = board_events_prune()
    tasks = task_results_prune()
    beats = worker_beats_prune()
    anonymise_schedule_ensure()
    RETENTION_RUNS.inc()
    RETENTION_DONE.labels(what="residents_anonymised").inc(anonymised)
    RETENTION_DONE.labels(what="board_events_pruned").inc(pruned)
    RETENTION_DONE.labels(what="task_results_pruned").inc(tasks)
    log.info(
        "retention run: %d residents anonymised, %d board events, %d task results and "
        "%d worker heartbeats pruned",
        anonymised,
        pruned,
        tasks,
        beats,
    )
    return anonymised, pruned


@task()
def anonymise_daily() -> int:
    """The daily retention run; returns how many residents were anonymised."""
    return retention_run()[0]
