"""What residents' texts leave for operators: the text on a request's timeline, notes, and
the callback an operator owes. Shared by the SMS handler and its answers."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import Message

from .models import Callback, HelpRequest, TimelineEvent
from .realtime import BoardEventKind, board_publish
from .services import timeline_record

SMS = "SMS"


def message_about(message: Message, request: HelpRequest) -> None:
    """File the inbound SMS under the request it joined, for the SMS log."""
    Message.objects.filter(pk=message.pk).update(
        about_type=ContentType.objects.get_for_model(HelpRequest), about_id=request.pk
    )


# The timeline keeps 500 characters an event; a longer SMS (up to 1,600 through Twilio) is
# kept whole in parts rather than cut where operators read it.
EVENT_TEXT_MAX = TimelineEvent._meta.get_field("text").max_length


def sms_in_record(request: HelpRequest, message: Message, **data) -> None:
    """The resident's text on the request's timeline, shown live."""
    # PostgreSQL refuses NUL; the gateway strips it, a message stored another way may not.
    text = (message.body or "").replace("\x00", "")
    parts = [text[i : i + EVENT_TEXT_MAX] for i in range(0, len(text), EVENT_TEXT_MAX)] or [""]
    for number, part in enumerate(parts, 1):
        numbered = {"part": number, "parts": len(parts)} if len(parts) > 1 else {}
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.SMS_IN,
            text=part,
            actor_label=SMS,
            data={"message_id": message.pk, **data, **numbered},
        )
    message_about(message, request)
    board_publish(request=request, event=BoardEventKind.SMS_IN)


def request_note(
    request: HelpRequest, text: str = "", *, msg: str = "", args: dict | None = None, **data
) -> None:
    """A system note for operators on the request: a code of helpdesk.timeline_texts with its
    parameters, rendered in each reader's language."""
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.NOTE,
        text=text,
        msg=msg,
        args=args,
        actor_label="system",
        data=data,
    )


def callback_due_ensure(request: HelpRequest, *, minutes: int | None = None) -> Callback:
    """The request's callback, due within `minutes`; one already due later is brought forward."""
    if minutes is None:
        minutes = settings.RESIDENT_CALLBACK_DUE_MINUTES
    due_at = timezone.now() + timedelta(minutes=minutes)
    callback, created = Callback.objects.get_or_create(request=request, defaults={"due_at": due_at})
    if not created and callback.done_at is None and callback.due_at > due_at:
        callback.due_at = due_at
        callback.save(update_fields=["due_at"])
    board_publish(request=request, event=BoardEventKind.CALLBACK)
    return callback
