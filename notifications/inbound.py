"""Inbound SMS: stored first, answered fast, handled by a task.

Other apps get the messages through handlers registered here from their AppConfig.ready(),
so this app never imports upward. A handler takes the stored inbound Message and returns the
reply text (which may be "" for "handled, say nothing") or None for "not mine". The first
handler that returns a string wins.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django_tasks import task

from .bodies import sms_segments
from .keywords import keyword_handle
from .models import Message
from .phones import phone_mask, phone_try_normalise
from .services import sms_send

log = logging.getLogger(__name__)

InboundHandler = Callable[[Message], str | None]


@dataclass(frozen=True, order=True)
class _Registered:
    order: int
    name: str
    handler: InboundHandler


_handlers: list[_Registered] = []


def inbound_handler_register(handler: InboundHandler, *, order: int) -> None:
    """Register `handler`; lower `order` runs first (volunteer replies 10, residents 20)."""
    name = f"{handler.__module__}.{handler.__qualname__}"
    if any(r.name == name for r in _handlers):
        return
    _handlers.append(_Registered(order, name, handler))
    _handlers.sort()


def inbound_handlers() -> list[InboundHandler]:
    return [r.handler for r in _handlers]


def inbound_dispatch(message: Message) -> str | None:
    for handler in inbound_handlers():
        reply = handler(message)
        if reply is not None:
            return reply
    return None


def _text(value: object, limit: int | None = None) -> str:
    # PostgreSQL refuses NUL in text and JSON; a network may still send one.
    text = str(value).replace("\x00", "")
    return text[:limit] if limit else text


def inbound_receive(*, payload: dict) -> tuple[Message, bool]:
    """Store an inbound webhook's payload and enqueue its handling, once per MessageSid.

    Returns (message, created). A repeated delivery of the same MessageSid returns the row
    stored the first time and enqueues nothing.
    """
    raw = {_text(key, 64): _text(value) for key, value in payload.items()}
    sid = _text(raw.get("MessageSid") or raw.get("SmsSid") or "", 64) or None
    sender = raw.get("From", "")
    body = raw.get("Body", "")
    # No lookup first: the provider_id, unique among inbound rows, decides. A first delivery
    # (nearly all of them) costs two inserts in one transaction; a repeat costs a refused
    # insert and a read.
    message = Message(
        direction=Message.Direction.INBOUND,
        phone=phone_try_normalise(sender) or sender[:64],
        body=body,
        provider_id=sid,
        status=Message.Status.RECEIVED,
        segments=min(sms_segments(body), 255),
        payload=raw,
        next_attempt_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            message.save()
            inbound_process_task.enqueue(message_id=message.pk)
    except IntegrityError:
        # A repeated delivery, or the same MessageSid arriving concurrently: stored already.
        existing = (
            Message.objects.filter(direction=Message.Direction.INBOUND, provider_id=sid).first()
            if sid
            else None
        )
        if existing is None:
            raise
        return existing, False
    log.info("sms in from %s (%s chars)", phone_mask(message.phone), len(body))
    return message, True


def inbound_process(*, message_id: int) -> None:
    """Run the keywords, then the registered handlers, and queue the reply; all or nothing.

    The claim, the handlers' changes and the reply commit together, so a worker that dies
    midway leaves the message unclaimed for the sweep, and a finished one is never rerun.
    """
    Message.objects.filter(pk=message_id).update(attempts=models.F("attempts") + 1)
    with transaction.atomic():
        claimed = Message.objects.filter(
            pk=message_id, direction=Message.Direction.INBOUND, claimed_at__isnull=True
        ).update(claimed_at=timezone.now())
        if not claimed:
            return
        message = Message.objects.get(pk=message_id)
        reply, language = keyword_handle(message)
        if reply is None:
            reply = inbound_dispatch(message)
        if reply:
            sms_send(to=message.phone, body=reply, about=message, language=language)


@task()
def inbound_process_task(*, message_id: int) -> None:
    inbound_process(message_id=message_id)
