"""Twilio's webhooks: inbound messages and delivery status callbacks. Both are signed
(@twilio_signed), answer at once, and leave the work to tasks."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from twilio.twiml.messaging_response import MessagingResponse

from .inbound import inbound_receive
from .services import message_status_apply
from .twilio import TWILIO_STATUS
from .webhooks import twilio_signed

MAX_ID = 2**63 - 1


EMPTY_TWIML = str(MessagingResponse())


def twiml_empty() -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")


@twilio_signed
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    """Store the message and answer with empty TwiML; the reply, if any, is sent by the task
    that handles it. A repeated delivery gets the same empty answer and stores nothing."""
    inbound_receive(payload=request.POST.dict())
    return twiml_empty()


@twilio_signed
@require_POST
def status(request: HttpRequest, message_id: int) -> HttpResponse:
    """Apply a delivery report. An unknown id or status still answers 200: anything else makes
    Twilio retry a callback we can never use (a message deleted by anonymisation, a status
    Twilio adds later)."""
    data = request.POST
    mapped = TWILIO_STATUS.get(data.get("MessageStatus") or data.get("SmsStatus") or "")
    if mapped is not None and 0 < message_id <= MAX_ID:
        message_status_apply(
            message_id=message_id,
            status=mapped,
            error_code=data.get("ErrorCode", "").replace("\x00", ""),
            error_message=data.get("ErrorMessage", "").replace("\x00", ""),
            provider_id=data.get("MessageSid", "").replace("\x00", "") or None,
        )
    return HttpResponse("", content_type="text/plain")
