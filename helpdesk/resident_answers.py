"""A resident's answers to what we asked: a rating or thanks after "done, how was it?", a
cancel after "to cancel, reply ...". What the conversation is waiting for is derived from the
resident's requests (their status, closed_at and volunteer), never stored apart."""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from notifications.models import Message

from . import resident_texts as texts
from .models import HelpRequest, InvalidTransition, Resident
from .offers import helprequest_cancel
from .realtime import BoardEventKind, board_publish
from .resident_reading import Conversation, feedback_rating, text_complains, text_praises
from .resident_records import SMS, request_note, sms_in_record

Status = HelpRequest.Status


def done_by_volunteer(resident: Resident) -> QuerySet[HelpRequest]:
    """Requests a volunteer did, closed recently enough to be rated or thanked for. One closed
    by an operator, a callback or a conversion had no volunteer to thank."""
    since = timezone.now() - timedelta(days=settings.RESIDENT_RATING_DAYS)
    return resident.requests.filter(
        status=Status.DONE,
        closed_at__gte=since,
        sensitive=False,
        assigned_volunteer__isnull=False,
    )


def resident_conversation(
    *, resident: Resident, open_requests
) -> tuple[Conversation, HelpRequest | None]:
    """Where the conversation stands, and the request a thank-you would be about."""
    latest_open = open_requests.first()
    done = done_by_volunteer(resident)
    asked_after = done.filter(closed_at__gt=latest_open.created_at) if latest_open else done
    feedback_on = asked_after.order_by("-closed_at").first()
    conversation = Conversation(
        open_request=latest_open is not None,
        referral_open=open_requests.filter(sensitive=True).exists(),
        awaiting_feedback=feedback_on is not None,
        rateable=done.filter(rating__isnull=True).exists(),
    )
    return conversation, feedback_on


def rating_store(
    *, message: Message, resident: Resident, rating: int, code: str
) -> HelpRequest | None:
    done = done_by_volunteer(resident).filter(rating__isnull=True)
    if code:
        done = done.filter(code=code)
    request = done.order_by("-closed_at").first()
    if request is None:
        return None
    HelpRequest.objects.filter(pk=request.pk).update(rating=rating)
    request.rating = rating
    sms_in_record(request, message, rating=rating)
    return request


def feedback_store(*, message: Message, request: HelpRequest) -> tuple[str, str]:
    """A reply to "done, how was it?" (praise, a complaint, a remark): kept on the done
    request, with a rating if it has one ("5 tack!"). Never a new request, so it never counts
    as a need. A complaint is put before operators: the request comes back on today's board."""
    body = message.body or ""
    complaint = text_complains(body)
    data = {"feedback": True, "complaint": complaint}
    rating = feedback_rating(body)
    if rating is not None and request.rating is None:
        HelpRequest.objects.filter(pk=request.pk).update(rating=rating)
        request.rating = data["rating"] = rating
    if complaint:
        # The board shows a done request on the day it last changed.
        request.updated_at = timezone.now()
        HelpRequest.objects.filter(pk=request.pk).update(updated_at=request.updated_at)
    sms_in_record(request, message, **data)
    if complaint:
        request_note(request, msg="sms_complaint", complaint=True)
        board_publish(request=request, event=BoardEventKind.COMPLAINT)
        return texts.text_complaint_thanks(request), request.language
    if text_praises(body):
        return texts.text_feedback_thanks(request), request.language
    return texts.text_remark_thanks(request), request.language


def cancel_handle(
    *, message: Message, resident: Resident, open_requests, code: str
) -> tuple[str, str]:
    request = open_requests.filter(code=code).first() if code else None
    if request is None:
        return _cancel_unmatched(message, resident, open_requests, code)
    sms_in_record(request, message)
    if request.sensitive:
        # Whoever holds the phone may not be the person who asked for help: an operator
        # decides, after a safe call.
        request_note(request, msg="sms_cancel_asked")
        return texts.text_referral_followup(request), request.language
    try:
        helprequest_cancel(
            request=request,
            actor_label=SMS,
            reason={"msg": "sms_cancelled_reason"},
            msg="sms_cancelled",
        )
    except InvalidTransition:
        # Closed by someone else a moment ago.
        return texts.text_cancel_not_found(resident.language, code), resident.language
    return texts.text_cancelled(request), request.language


def _cancel_unmatched(
    message: Message, resident: Resident, open_requests, code: str
) -> tuple[str, str]:
    """A cancel that names no open request: one already cancelled is acknowledged as such;
    without a code, the open one is asked about; the text stays where an operator sees it."""
    cancelled = resident.requests.filter(status=Status.CANCELLED)
    if code:
        cancelled = cancelled.filter(code=code)
    else:
        since = timezone.now() - timedelta(days=settings.RESIDENT_RATING_DAYS)
        cancelled = cancelled.filter(closed_at__gte=since)
    cancelled = cancelled.order_by("-closed_at").first()
    latest = open_requests.first()
    if cancelled is not None and (code or latest is None):
        sms_in_record(cancelled, message)
        return texts.text_already_cancelled(cancelled), cancelled.language
    kept_on = latest or resident.requests.order_by("-created_at").first()
    if kept_on is not None:
        sms_in_record(kept_on, message)
    if not code and latest is not None:
        return texts.text_cancel_which(latest), latest.language
    return texts.text_cancel_not_found(resident.language, code), resident.language
