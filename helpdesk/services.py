"""State changes of help requests. Every change goes through here, inside a transaction,
records a timeline event and publishes a board event after commit."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from matching.kinds import kind_urgency
from matching.priority import helprequest_priority

from .models import HelpRequest, Resident, TimelineEvent
from .realtime import BoardEventKind, board_publish
from .signals import helprequest_status_changed
from .timeline_texts import render_stored


def timeline_record(
    *,
    request: HelpRequest,
    kind: str,
    text: str = "",
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    data: dict | None = None,
    from_status: str = "",
    to_status: str = "",
    msg: str = "",
    args: dict | None = None,
) -> TimelineEvent:
    """One timeline entry. A text operators read is a code with its parameters (`msg`,
    `args`: helpdesk.timeline_texts), rendered in each reader's language; `text` is kept
    for what people wrote, and holds the code's text in the site's language."""
    data = dict(data or {})
    if msg:
        data.update(msg=msg, args=args or {})
        text = text or render_stored(msg, args or {})
    return TimelineEvent.objects.create(
        request=request,
        kind=kind,
        text=text[:500],
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label[:80],
        data=data,
        from_status=from_status,
        to_status=to_status,
    )


@transaction.atomic
def helprequest_create(
    *,
    resident: Resident,
    kind: str,
    task_text: str = "",
    internal_notes: str = "",
    urgency: int | None = None,
    channel: str = HelpRequest.Channel.PHONE,
    language: str | None = None,
    window_start=None,
    window_end=None,
    safe_callback_note: str = "",
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    intake_token=None,
) -> HelpRequest:
    request = HelpRequest(
        intake_token=intake_token,
        resident=resident,
        district=resident.district,
        kind=kind,
        task_text=task_text,
        internal_notes=internal_notes,
        urgency=kind_urgency(kind) if urgency is None else urgency,
        channel=channel,
        language=language or resident.language,
        window_start=window_start,
        window_end=window_end,
        safe_callback_note=safe_callback_note,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    request.priority = helprequest_priority(request)
    request.save()
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.CREATED,
        actor=actor,
        actor_label=actor_label,
        to_status=request.status,
        data={"channel": channel},
    )
    board_publish(request=request, event=BoardEventKind.CREATED)
    return request


@transaction.atomic
def helprequest_transition(
    *,
    request: HelpRequest,
    to: str,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    text: str = "",
    msg: str = "",
    args: dict | None = None,
    **changes,
) -> HelpRequest:
    """Move `request` to status `to`, or raise InvalidTransition. `changes` are saved with it.

    The row is locked first, so two operators (or an operator and the worker) acting at once
    cannot both move it from the same status.
    """
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    locked.check_transition(to)
    previous = locked.status
    locked.status = to
    for field, value in changes.items():
        setattr(locked, field, value)
    if to in (HelpRequest.Status.DONE, HelpRequest.Status.CANCELLED):
        locked.closed_at = timezone.now()
    locked.save()
    timeline_record(
        request=locked,
        kind=TimelineEvent.Kind.STATUS,
        actor=actor,
        actor_label=actor_label,
        text=text,
        from_status=previous,
        to_status=to,
        msg=msg,
        args=args,
    )
    board_publish(request=locked, event=BoardEventKind.STATUS)
    helprequest_status_changed.send(
        sender=HelpRequest, request=locked, previous=previous, actor_label=actor_label
    )
    # Keep the caller's object in step with the database.
    request.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked
