"""Residents texting in: a new request, a follow-up, a cancellation, a rating, feedback, a
call for an operator or a referral.

Registered as the inbound SMS handler at order 20, after volunteer replies. What a text is
comes from helpdesk.resident_reading, given the conversation derived here from the
resident's requests. Every message ends up visible to operators: on a request's timeline (and
in the SMS log, where the gateway stored it), even past the daily cap, when it gets no reply.
"""

import logging
from dataclasses import replace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from languages import UNSURE
from matching.priority import helprequest_priority
from notifications.keywords import language_last_written
from notifications.models import Message
from notifications.phones import phone_mask, phone_try_normalise

from . import resident_texts as texts
from .languages import language_guess
from .models import HelpRequest, Resident
from .offers import helprequest_escalate, helprequest_match_enqueue, offers_withdraw
from .realtime import BoardEventKind, board_publish
from .resident_answers import cancel_handle, feedback_store, rating_store, resident_conversation
from .resident_reading import (
    Intent,
    cancel_read,
    help_word_read,
    kinds_read,
    rating_read,
    resident_text_read,
    safe_call_read,
)
from .resident_records import SMS, callback_due_ensure, request_note, sms_in_record
from .safety import Concern, danger_read, referral_route
from .services import helprequest_create

log = logging.getLogger(__name__)

Kind = HelpRequest.Kind
Status = HelpRequest.Status


def _day_start():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _replies_left(message: Message, phones: set[str]) -> int:
    """How many more replies this number gets today, counting this message."""
    received = Message.objects.filter(
        direction=Message.Direction.INBOUND,
        phone__in=phones,
        created_at__gte=_day_start(),
        pk__lte=message.pk,
    ).count()
    return settings.RESIDENT_SMS_DAILY_REPLIES - received + 1


def _capped(reply: str, message: Message, phones: set[str], language: str) -> str:
    left = _replies_left(message, phones)
    if left <= 0:
        return ""
    if left == 1:
        return texts.text_over_cap(language)
    return reply


def _already_handled(message: Message) -> bool:
    """Whether this message already joined a request (sms_in_record points it at one), so that a
    retried task does not create a second request. Read off the message's own row: a search
    of the timeline for it would grow with every message ever received."""
    return Message.objects.filter(
        pk=message.pk,
        about_type=ContentType.objects.get_for_model(HelpRequest),
        about_id__isnull=False,
    ).exists()


def _resident_for(phone: str, body: str) -> tuple[Resident, bool]:
    """The resident with this number, locked, or a new one with the minimum we know."""
    resident = Resident.objects.select_for_update().filter(phone=phone).first()
    if resident is not None:
        return resident, False
    language = language_guess(body) or settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            Resident.objects.create(phone=phone, language=language)
    except IntegrityError:
        pass  # the same number texted twice at once; the other message created it
    return Resident.objects.select_for_update().get(phone=phone), True


def resident_sms_handle(message: Message) -> str | None:
    """The inbound handler for residents. Returns the reply ("" for none)."""
    if message.direction != Message.Direction.INBOUND:
        return None
    phone = phone_try_normalise(message.phone)
    if phone is None:
        # A sender id we cannot call or text back; the gateway keeps it in the SMS log.
        log.warning("inbound sms from unusable sender %s", phone_mask(message.phone))
        return None
    if _already_handled(message):
        return ""
    with transaction.atomic():
        resident, is_new = _resident_for(phone, message.body)
        reply, language = _handle(message, resident, is_new=is_new)
        return _capped(reply, message, {phone, message.phone}, language)


def _handle(message: Message, resident: Resident, *, is_new: bool) -> tuple[str, str]:
    body = message.body or ""
    open_requests = resident.requests.filter(status__in=HelpRequest.OPEN_STATUSES).order_by(
        "-created_at"
    )
    conversation, feedback_on = resident_conversation(
        resident=resident, open_requests=open_requests
    )
    intent = resident_text_read(body, conversation=conversation)

    if intent == Intent.DANGER:
        return _referral(message, resident, open_requests, is_new=is_new)
    if intent == Intent.OPERATOR:
        return _to_operator(message, resident, open_requests, is_new=is_new)
    if intent == Intent.RATING:
        rating, code = rating_read(body)
        rated = rating_store(message=message, resident=resident, rating=rating, code=code)
        if rated is not None:
            return texts.text_rating_thanks(rated), rated.language
        # A code that names nothing to rate: read as if there were nothing to rate.
        intent = resident_text_read(body, conversation=replace(conversation, rateable=False))
    if intent == Intent.CANCEL:
        code = cancel_read(body)[1]
        return cancel_handle(
            message=message, resident=resident, open_requests=open_requests, code=code
        )
    if intent == Intent.FEEDBACK:
        return feedback_store(message=message, request=feedback_on)

    current = open_requests.first()
    if current is not None:
        sms_in_record(current, message)
        if intent == Intent.UNREADABLE:
            return texts.text_unreadable(current), current.language
        return texts.text_followup(current), current.language

    today = resident.requests.filter(channel=HelpRequest.Channel.SMS, created_at__gte=_day_start())
    if today.count() >= settings.RESIDENT_SMS_DAILY_REQUESTS:
        return _over_daily_requests(message, resident)
    return _create(message, resident, is_new=is_new)


def _create(message: Message, resident: Resident, *, is_new: bool) -> tuple[str, str]:
    kinds = kinds_read(message.body)
    guessed = language_guess(message.body)
    language = resident.language
    request = helprequest_create(
        resident=resident,
        kind=kinds[0] if kinds else Kind.OTHER,
        channel=HelpRequest.Channel.SMS,
        language=language,
        actor_label=SMS,
    )
    sms_in_record(request, message, kinds=kinds)
    if is_new or not kinds:
        request_note(request, msg="sms_unknown_number" if is_new else "sms_unclear")
        callback_due_ensure(request)
        if is_new:
            languages = [guessed] if guessed else list(UNSURE)
            return texts.text_unknown_number(request, languages=languages), languages[0]
        return texts.text_request_created(request, matching=False), language
    if len(kinds) > 1:
        request_note(request, msg="sms_also_mentions", args={"kinds": list(kinds[1:])})
    helprequest_match_enqueue(request=request)
    return texts.text_request_created(request, matching=True), language


def _to_operator(
    message: Message, resident: Resident, open_requests, *, is_new: bool
) -> tuple[str, str]:
    """A text an operator reads first: anything from a resident with an open referral, a lone
    HELP word, a text that may signal danger. A callback, never matching."""
    body = message.body or ""
    referral = open_requests.filter(sensitive=True).first()
    if referral is not None:
        # Whatever they ask for now, the operator on the safe call decides; no volunteer.
        # The note is what the callback card shows instead of "leave no message": only an
        # answer about calling goes there, the rest to the timeline.
        safe_call = safe_call_read(body)
        sms_in_record(referral, message, **({"safe_call": True} if safe_call else {}))
        if safe_call:
            _safe_callback_note_add(referral, body)
        if cancel_read(body)[0]:
            # Whoever holds the phone may not be the person who asked for help: an operator
            # decides, after a safe call.
            request_note(referral, msg="sms_cancel_asked")
        kinds = kinds_read(body)
        if kinds:
            request_note(referral, msg="sms_referral_also_asks", args={"kinds": list(kinds)})
        callback_due_ensure(referral, minutes=0)
        return texts.text_referral_followup(referral), referral.language
    help_language = help_word_read(body)
    ambiguous = help_language is None
    language = help_language or resident.language
    if is_new and not help_language:
        language = language_last_written(str(resident.phone)) or language
    possible = danger_read(body) if ambiguous else None
    if possible is not None and possible.language:
        # Answered in the language the worry was written in, as a referral is.
        language = possible.language
    request = (
        open_requests.filter(kind=Kind.CALLBACK, sensitive=False, callback__done_at__isnull=True)
        .select_for_update(of=("self",))
        .first()
    )
    if request is None:
        request = helprequest_create(
            resident=resident,
            kind=Kind.CALLBACK,
            channel=HelpRequest.Channel.SMS,
            language=language,
            urgency=HelpRequest.Urgency.URGENT if ambiguous else HelpRequest.Urgency.NORMAL,
            actor_label=SMS,
        )
    sms_in_record(request, message, help=not ambiguous, ambiguous=ambiguous)
    if ambiguous:
        request_note(request, msg="sms_maybe_danger")
    else:
        request_note(request, msg="sms_asked_for_help")
    callback_due_ensure(request, minutes=0 if ambiguous else None)
    if ambiguous:
        _hold_for_call(open_requests, triage=request)
    return texts.text_unknown_number(request, languages=[language]), language


# Statuses in which a volunteer is asked, holds the task, or is about to be asked.
_VOLUNTEER_STATUSES = (Status.NEW, Status.MATCHING, Status.OFFERED, Status.ASSIGNED)


def _hold_for_call(open_requests, *, triage: HelpRequest) -> None:
    """After a text that may signal danger, the resident's other requests leave the volunteers
    (the volunteers are told they are no longer needed, nothing more) and wait, escalated,
    for the operator's call: the person the resident fears may be the one a volunteer meets
    at the door. An operator matches them again after the call if all is well."""
    reason = {"msg": "sms_danger_hold", "args": {"code": triage.code}}
    # The triage itself too: an open callback it joined may be a phone friend's.
    for request in open_requests.filter(sensitive=False):
        request = HelpRequest.objects.select_for_update().get(pk=request.pk)
        awaiting_call = HelpRequest.objects.filter(HelpRequest.AWAITING_CALL, pk=request.pk)
        if request.status == Status.NEW and awaiting_call.exists():
            continue  # an operator calls before anything is offered anyway
        offers_withdraw(request=request, reason=reason)
        if request.status in _VOLUNTEER_STATUSES:
            helprequest_escalate(
                request=request,
                msg=reason["msg"],
                args=reason["args"],
                actor_label="system",
                assigned_volunteer=None,
            )
        elif request.assigned_volunteer_id is not None:
            HelpRequest.objects.filter(pk=request.pk).update(assigned_volunteer=None)
            request_note(request, msg=reason["msg"], args=reason["args"])
            board_publish(request=request, event=BoardEventKind.STATUS)


def _referral(
    message: Message, resident: Resident, open_requests, *, is_new: bool = False
) -> tuple[str, str]:
    """A text that signals danger: a sensitive referral, whatever else is open. The request it
    joins becomes that referral, so the resident's words never stay where a volunteer can see
    them (helpdesk.referrals then takes the resident's other open requests to operators).

    The reply is in the language the danger was written in (the vocabulary that matched), not
    the one stored or guessed: someone who writes "mieheni lyö minua" from a number kept as
    Swedish reads Finnish, and a wrong guess must not cost them the helpline's number. A new
    number keeps that language; a known resident's stored one is theirs to change. The
    referral carries it, so the operator who calls back knows which language to call in."""
    danger = danger_read(message.body)
    concern = danger.concern if danger else Concern.VIOLENCE
    language = danger.language if danger else resident.language
    if is_new and resident.language != language:
        resident.language = language
        resident.save(update_fields=["language"])
    referral = open_requests.filter(sensitive=True).first()
    if referral is not None:
        sms_in_record(referral, message, danger=True)
        callback_due_ensure(referral, minutes=0)
        HelpRequest.objects.filter(pk=referral.pk).update(language=language)
        referral.language = language
        return texts.text_referral_followup(referral), language
    joined = open_requests.first()
    if joined is None:
        referral = helprequest_create(
            resident=resident,
            kind=Kind.REFERRAL,
            channel=HelpRequest.Channel.SMS,
            urgency=HelpRequest.Urgency.URGENT,
            language=language,
            actor_label=SMS,
        )
    else:
        referral = _referral_take_over(joined)
        HelpRequest.objects.filter(pk=referral.pk).update(language=language)
        referral.language = language
    sms_in_record(referral, message, danger=True)
    referral_route(request=referral, concern=concern)
    callback_due_ensure(referral, minutes=0)
    return texts.text_referral(referral, concern=concern), language


def _referral_take_over(request: HelpRequest) -> HelpRequest:
    """The open request a danger text joins becomes the referral: its offers withdrawn (the
    volunteers are told the task is no longer needed, nothing more), urgent, sensitive."""
    offers_withdraw(request=request, reason={"msg": "sms_danger"})
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    note = {"msg": "sms_danger_take_over", "args": {"kind": request.kind}}
    request.kind, request.urgency = Kind.REFERRAL, HelpRequest.Urgency.URGENT
    changes = {
        "kind": Kind.REFERRAL,
        "sensitive": True,
        "urgency": HelpRequest.Urgency.URGENT,
        "assigned_volunteer": None,
        "priority": helprequest_priority(request),
    }
    if request.status in (Status.MATCHING, Status.OFFERED, Status.ASSIGNED):
        # Sensitive in the same save, so the status signal texts the resident nothing.
        return helprequest_escalate(
            request=request,
            msg=note["msg"],
            args=note["args"],
            actor_label="system",
            **changes,
        )
    for field, value in changes.items():
        setattr(request, field, value)
    request.save()
    request_note(request, msg=note["msg"], args=note["args"])
    board_publish(request=request, event=BoardEventKind.STATUS)
    return request


_NOTE_MAX = HelpRequest._meta.get_field("safe_callback_note").max_length


def _safe_callback_note_add(request: HelpRequest, body: str) -> None:
    """A resident's answer about when it is safe to call, after what the note already says (an
    operator's words are never cut). Only what fits: the full text is on the timeline."""
    note = HelpRequest.objects.values_list("safe_callback_note", flat=True).get(pk=request.pk)
    separator = " / " if note else ""
    room = _NOTE_MAX - len(note) - len(separator)
    answer = " ".join(body.split())[: max(room, 0)]
    if answer:
        HelpRequest.objects.filter(pk=request.pk).update(
            safe_callback_note=note + separator + answer
        )


def _over_daily_requests(message: Message, resident: Resident) -> tuple[str, str]:
    """Past the day's cap no new request is made; the text still lands where operators see it."""
    latest = resident.requests.order_by("-created_at").first()
    if latest is None:  # a cap of 0 cannot mean losing the message
        return _create(message, resident, is_new=False)
    sms_in_record(latest, message, over_daily_cap=True)
    log.warning("daily request cap reached for %s", phone_mask(str(resident.phone)))
    return texts.text_over_cap(resident.language), resident.language
