"""The one way out: sms_send(). It stores a queued row and enqueues its delivery task in the
caller's transaction, so a rolled-back change never texts anyone and a committed one is never
forgotten: the task row and the message commit together.

Delivery claims the row with a conditional update (queued -> sending), talks to the backend
outside any transaction, and stores the outcome at once. Statuses only move up in rank, from
whichever side reports first: the send's own response or Twilio's status callback.
"""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django_tasks import task

from .backends import SendError, get_backend
from .bodies import sms_clean, sms_segments
from .models import Message, OptOut
from .phones import phone_is_mobile, phone_mask, phone_normalise
from .signals import message_status_changed, opt_out_changed

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
HANDED_OVER = {Message.Status.SENT, Message.Status.DELIVERED, Message.Status.UNDELIVERED}
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def phone_is_opted_out(phone: str) -> bool:
    return OptOut.objects.filter(phone=phone, opted_out=True).exists()


def optout_set(*, phone: str, opted_out: bool, keyword: str = "") -> OptOut:
    """Record that `phone` opted out or back in, and tell other apps when it changed."""
    with transaction.atomic():
        row, created = OptOut.objects.select_for_update().get_or_create(
            phone=phone, defaults={"opted_out": opted_out, "keyword": keyword[:32]}
        )
        changed = created or row.opted_out != opted_out
        if not created:
            row.opted_out = opted_out
            row.keyword = keyword[:32]
            row.save(update_fields=["opted_out", "keyword", "changed_at"])
        if changed:
            log.info("sms %s %s", phone_mask(phone), "opted out" if opted_out else "opted in")
            opt_out_changed.send(sender=OptOut, phone=phone, opted_out=opted_out)
    return row


def sms_send(
    *, to: str, body: str, about: models.Model | None = None, language: str = ""
) -> Message:
    """Queue an SMS to `to`; a worker sends it once the surrounding transaction commits.

    A number that cannot receive it (invalid, a landline, opted out) gets a `refused` row,
    so operators can see that nothing went out and why.
    """
    body = sms_clean(body)
    message = Message(
        direction=Message.Direction.OUTBOUND,
        phone=str(to)[:64],
        body=body,
        language=language,
        segments=min(sms_segments(body), 255),
        next_attempt_at=timezone.now(),
    )
    if about is not None:
        message.about_type = ContentType.objects.get_for_model(about)
        message.about_id = about.pk

    try:
        message.phone = phone_normalise(str(to))
    except ValidationError:
        _refuse(message, "invalid-number", "Not a valid phone number.")
    else:
        if not phone_is_mobile(message.phone):
            _refuse(message, "landline", "A landline cannot receive SMS.")
        elif phone_is_opted_out(message.phone):
            _refuse(message, "opted-out", "The number has opted out (STOP).")

    with transaction.atomic():
        message.save()
        if message.status == Message.Status.QUEUED:
            message_deliver_task.enqueue(message_id=message.pk)
    return message


def _refuse(message: Message, code: str, reason: str) -> None:
    message.status = Message.Status.REFUSED
    message.error_code = code
    message.error_message = reason
    log.info("sms refused to %s: %s", phone_mask(message.phone), reason)


def message_claim(*, message_id: int) -> Message | None:
    """Take a queued message for sending, or None when another worker (or an earlier run of
    the same task) already has it."""
    now = timezone.now()
    claimed = Message.objects.filter(
        pk=message_id, direction=Message.Direction.OUTBOUND, status=Message.Status.QUEUED
    ).update(
        status=Message.Status.SENDING,
        status_rank=Message.STATUS_RANK[Message.Status.SENDING],
        claimed_at=now,
        attempts=models.F("attempts") + 1,
        updated_at=now,
    )
    return Message.objects.get(pk=message_id) if claimed else None


def message_deliver(*, message_id: int) -> None:
    """Claim a queued message, hand it to the backend and store what happened."""
    message = message_claim(message_id=message_id)
    if message is None:
        return
    # The number may have opted out since the message was queued.
    if phone_is_opted_out(message.phone):
        message_status_apply(
            message_id=message.pk,
            status=Message.Status.REFUSED,
            error_code="opted-out",
            error_message="The number opted out before the message was sent.",
        )
        return
    try:
        result = get_backend().send(message)
    except SendError as error:
        message_send_failed(message=message, error=error)
        return
    message_status_apply(
        message_id=message.pk, status=result.status, provider_id=result.provider_id
    )


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with a little jitter, so retries after an outage do not stampede."""
    base = _setting("SMS_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS)
    seconds = min(base * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(1.0, 1.2))


def message_send_failed(*, message: Message, error: SendError) -> None:
    log.warning("sms to %s failed: %s", phone_mask(message.phone), error)
    final = Message.Status.FAILED
    if error.kind == SendError.OPTED_OUT:
        optout_set(phone=message.phone, opted_out=True, keyword=error.code)
    elif error.kind == SendError.RETRY and message.attempts < _setting(
        "SMS_MAX_ATTEMPTS", MAX_ATTEMPTS
    ):
        due = timezone.now() + retry_delay(message.attempts)
        with transaction.atomic():
            # Back from sending to queued is the one downward move, and only ours to make.
            requeued = Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
                status=Message.Status.QUEUED,
                status_rank=Message.STATUS_RANK[Message.Status.QUEUED],
                error_code=error.code,
                error_message=error.message,
                next_attempt_at=due,
                updated_at=timezone.now(),
            )
            if requeued:
                message_deliver_task.using(run_after=due).enqueue(message_id=message.pk)
        return
    message_status_apply(
        message_id=message.pk, status=final, error_code=error.code, error_message=error.message
    )


def message_status_apply(
    *,
    message_id: int,
    status: str,
    error_code: str = "",
    error_message: str = "",
    provider_id: str | None = None,
) -> Message | None:
    """Move an outbound message to `status` if that is forward in rank; otherwise keep it.

    Late, repeated and out-of-order reports are harmless: a callback saying `sent` after
    `delivered` changes nothing. The provider id is stored from whichever report has it first.
    Returns the message, or None for an unknown id.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(pk=message_id, direction=Message.Direction.OUTBOUND)
            .first()
        )
        if message is None:
            return None
        previous = message.status
        fields = ["updated_at"]
        provider_id = str(provider_id or "")[:64]
        # A Sid another outbound row holds already is not this message's (a misrouted or
        # forged-id callback); storing it would break the unique constraint and fail the 200.
        if (
            provider_id
            and not message.provider_id
            and not Message.objects.filter(
                direction=Message.Direction.OUTBOUND, provider_id=provider_id
            ).exists()
        ):
            message.provider_id = provider_id
            fields.append("provider_id")
        moved = Message.STATUS_RANK.get(status, 0) > message.status_rank
        if moved:
            message.status = status
            fields += ["status", "status_rank"]
            if error_code:
                message.error_code = str(error_code)[:16]
                message.error_message = str(error_message)[:255]
                fields += ["error_code", "error_message"]
            if status in HANDED_OVER and not message.sent_at:
                message.sent_at = timezone.now()
                fields.append("sent_at")
        if len(fields) > 1:
            message.save(update_fields=fields)
        if moved and str(error_code) in ("21610",):
            optout_set(phone=message.phone, opted_out=True, keyword=str(error_code))
    if moved:
        message_status_changed.send(sender=Message, message=message, previous=previous)
    return message


@task()
def message_deliver_task(*, message_id: int) -> None:
    message_deliver(message_id=message_id)
