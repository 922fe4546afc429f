"""The callback queue: calls the support line owes residents. One operator per call: a claim
is a conditional update, so of two operators clicking at once exactly one gets it."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from matching.priority import helprequest_priority

from .models import Callback, HelpRequest, TimelineEvent
from .offers import helprequest_done, helprequest_match_enqueue
from .realtime import BoardEventKind, board_publish
from .safety import referral_route
from .services import (
    helprequest_create,
    timeline_record,
)

# A claim nobody acted on for this long is free again (the operator left, the call dropped).
CLAIM_TIMEOUT = timedelta(minutes=30)


def callback_create(*, request: HelpRequest, due_at: datetime, repeat_every_days=None) -> Callback:
    callback = Callback.objects.create(
        request=request, due_at=due_at, repeat_every_days=repeat_every_days
    )
    callback_due_schedule(callback=callback)
    return callback


def callback_due_schedule(*, callback: Callback) -> None:
    callback_due_task.using(run_after=callback.due_at).enqueue(callback_id=callback.pk)


@task()
def callback_due_task(*, callback_id: int) -> None:
    """Enqueued for a callback's due time: it moves up the boards when it falls due."""
    callback_due_mark(callback_id=callback_id)


@transaction.atomic
def callback_due_mark(*, callback_id: int) -> bool:
    """A callback reached its due time: refresh the request's priority (it has waited) and
    tell the boards, which show overdue calls on top. Nothing to do if it was done or moved."""
    callback = (
        Callback.objects.select_related("request__resident", "request__district")
        .filter(pk=callback_id, done_at__isnull=True, due_at__lte=timezone.now())
        .first()
    )
    if callback is None or not callback.request.is_open:
        return False
    request = HelpRequest.objects.select_for_update().get(pk=callback.request_id)
    request.priority = helprequest_priority(request)
    request.save(update_fields=["priority", "updated_at"])
    board_publish(request=request, event=BoardEventKind.CALLBACK_DUE)
    return True


def callback_queue() -> QuerySet[Callback]:
    """Open callbacks, the most overdue first, then by the request's priority."""
    return (
        Callback.objects.filter(done_at__isnull=True, request__status__in=HelpRequest.OPEN_STATUSES)
        .select_related("request__resident", "request__district", "claimed_by")
        .order_by("due_at", F("request__priority").desc())
    )


def callback_claim(*, callback: Callback, user: AbstractBaseUser) -> bool:
    """Claim `callback` for `user`. False when another operator holds it."""
    now = timezone.now()
    free = Q(claimed_by__isnull=True) | Q(claimed_by=user) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    with transaction.atomic():
        claimed = (
            Callback.objects.filter(free, pk=callback.pk, done_at__isnull=True)
            .exclude(claimed_by=user)
            .update(claimed_by=user, claimed_at=now)
        )
        if claimed:
            timeline_record(
                request=callback.request,
                kind=TimelineEvent.Kind.CALLBACK,
                msg="callback_claimed",
                actor=user,
            )
            board_publish(request=callback.request, event=BoardEventKind.CALLBACK)
    callback.refresh_from_db()
    return callback.claimed_by_id == user.pk


def _held(callback: Callback, user: AbstractBaseUser) -> Callback:
    locked = Callback.objects.select_for_update().select_related("request").get(pk=callback.pk)
    if locked.done_at is not None or locked.claimed_by_id != user.pk:
        raise PermissionError(_("Claim the callback before acting on it."))
    return locked


@transaction.atomic
def callback_complete(*, callback: Callback, user: AbstractBaseUser, outcome: str) -> Callback:
    """Log the call and close it. A recurring check-in gets its next occurrence."""
    locked = _held(callback, user)
    locked.outcome = outcome[:300]
    locked.done_at = timezone.now()
    locked.save(update_fields=["outcome", "done_at"])
    request = locked.request
    timeline_record(request=request, kind=TimelineEvent.Kind.CALLBACK, text=outcome, actor=user)
    _request_close(locked, user)
    return locked


def _request_close(callback: Callback, user: AbstractBaseUser) -> None:
    """The call is made: its request is done, and a recurring check-in gets its next one.
    The request may have been cancelled or closed while the operator was on the phone; the
    call's outcome is kept all the same, and a series that was cancelled is not continued.
    A request out with volunteers, or one a volunteer holds, stays open for them."""
    request = HelpRequest.objects.select_for_update().get(pk=callback.request_id)
    if not request.is_open:
        return
    if callback.repeat_every_days:
        callback_next_create(callback=callback, actor=user)
    if request.status not in (HelpRequest.Status.NEW, HelpRequest.Status.ESCALATED):
        # Volunteers are asked or one holds the task: the call does not end it behind their
        # backs (and an offered request cannot be done).
        return
    helprequest_done(request=request, actor=user)


def callback_next_create(*, callback: Callback, actor: AbstractBaseUser | None) -> Callback:
    request = callback.request
    following = helprequest_create(
        resident=request.resident,
        kind=HelpRequest.Kind.CALLBACK,
        task_text=request.task_text,
        internal_notes=request.internal_notes,
        urgency=request.urgency,
        language=request.language,
        actor=actor,
    )
    due = callback.due_at + timedelta(days=callback.repeat_every_days)
    due = max(due, timezone.now() + timedelta(hours=1))
    return callback_create(
        request=following, due_at=due, repeat_every_days=callback.repeat_every_days
    )


@transaction.atomic
def callback_reschedule(
    *, callback: Callback, user: AbstractBaseUser, due_at: datetime, outcome: str = ""
) -> Callback:
    locked = _held(callback, user)
    locked.due_at = due_at
    locked.claimed_by = None
    locked.claimed_at = None
    locked.save(update_fields=["due_at", "claimed_by", "claimed_at"])
    callback_due_schedule(callback=locked)
    timeline_record(
        request=locked.request,
        kind=TimelineEvent.Kind.CALLBACK,
        msg="callback_rescheduled",
        args={"when": due_at.isoformat(), "outcome": outcome},
        actor=user,
    )
    board_publish(request=locked.request, event=BoardEventKind.CALLBACK)
    return locked


@transaction.atomic
def callback_convert(
    *, callback: Callback, user: AbstractBaseUser, kind: str, task_text: str
) -> HelpRequest:
    """The call showed a need: close the call, open that request.

    A referral's call stays a referral: sensitive, routed where it was, its safe-callback note
    kept; asking for any other kind is refused. The resident is not told that the call is
    done (see `converted_to`): what they hear about is the new request."""
    locked = _held(callback, user)
    source = locked.request
    if source.sensitive and kind not in HelpRequest.SENSITIVE_KINDS:
        raise ValidationError(
            _("A referral stays a referral: it never becomes a task for volunteers."),
            code="referral_kept",
        )
    created = helprequest_create(
        resident=source.resident,
        kind=kind,
        task_text=task_text,
        urgency=source.urgency,
        language=source.language,
        safe_callback_note=source.safe_callback_note if source.sensitive else "",
        actor=user,
    )
    if created.sensitive and source.sensitive and source.routed_to_id:
        created.routed_to_id = source.routed_to_id
        created.save(update_fields=["routed_to", "updated_at"])
        board_publish(request=created, event=BoardEventKind.ROUTED)
    elif created.sensitive:
        referral_route(request=created, actor=user)
    HelpRequest.objects.filter(pk=source.pk).update(converted_to=created)
    locked.outcome = _("Turned into request %(code)s") % {"code": created.code}
    locked.done_at = timezone.now()
    locked.save(update_fields=["outcome", "done_at"])
    timeline_record(
        request=locked.request,
        kind=TimelineEvent.Kind.CALLBACK,
        msg="callback_converted",
        args={"code": created.code},
        actor=user,
    )
    _request_close(locked, user)
    helprequest_match_enqueue(request=created)
    return created
