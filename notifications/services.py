"""The one way out: sms_send(). It stores a row in the caller's transaction and sends after
commit, so a rolled-back change never texts anyone."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from .backends import get_backend
from .models import Message, OptOut
from .phones import phone_is_mobile, phone_mask, phone_normalise

log = logging.getLogger(__name__)


def phone_is_opted_out(phone: str) -> bool:
    return OptOut.objects.filter(phone=phone, opted_out=True).exists()


def sms_send(
    *, to: str, body: str, about: models.Model | None = None, language: str = ""
) -> Message:
    """Queue an SMS to `to` and send it once the surrounding transaction commits.

    A number that cannot receive it (invalid, a landline, opted out) gets a `refused` row,
    so operators can see that nothing went out and why.
    """
    message = Message(
        direction=Message.Direction.OUTBOUND,
        phone=str(to),
        body=body,
        language=language,
        segments=max(1, -(-len(body) // 153)),
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

    message.save()
    if message.status == Message.Status.QUEUED:
        transaction.on_commit(lambda: message_deliver(message_id=message.pk))
    return message


def _refuse(message: Message, code: str, reason: str) -> None:
    message.status = Message.Status.REFUSED
    message.error_code = code
    message.error_message = reason
    log.info("sms refused to %s: %s", phone_mask(message.phone), reason)


def message_deliver(*, message_id: int) -> None:
    """Claim a queued message and hand it to the backend."""
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING,
        status_rank=Message.STATUS_RANK[Message.Status.SENDING],
        claimed_at=timezone.now(),
        attempts=models.F("attempts") + 1,
    )
    if not claimed:
        return
    message = Message.objects.get(pk=message_id)
    result = get_backend().send(message)
    message.provider_id = result.provider_id
    message.status = result.status
    message.sent_at = timezone.now()
    message.save(update_fields=["provider_id", "status", "status_rank", "sent_at", "updated_at"])
