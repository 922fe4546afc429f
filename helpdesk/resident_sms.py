"""Residents texting in: a new request, a follow-up, a cancellation, a rating or a referral.

Registered as the inbound SMS handler at order 20, after volunteer replies. Every message
ends up visible to operators: on a request's timeline (and in the SMS log, where the gateway
stored it), even past the daily cap, when it gets no reply.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.services import helprequest_match_enqueue, offers_withdraw
from notifications.models import Message
from notifications.phones import phone_mask, phone_try_normalise

from . import resident_texts as texts
from .languages import language_guess, phrases_fold, text_fold, text_has_any
from .models import Callback, HelpRequest, InvalidTransition, Resident, TimelineEvent
from .realtime import board_publish
from .safety import referral_route, text_signals_danger, text_signals_youth
from .services import helprequest_create, helprequest_transition, timeline_record

log = logging.getLogger(__name__)

Kind = HelpRequest.Kind
Status = HelpRequest.Status
SMS = "SMS"

# Read in this order: a text naming several needs gets the first (the others are noted).
KIND_KEYWORDS = [
    (
        Kind.PHARMACY,
        phrases_fold(
            [
                *("apotek*", "medicin*", "läkemedel*", "recept*", "tabletter"),
                *("pharmacy", "pharmacies", "medicine*", "medication*", "prescription*"),
                *("chemist", "pills"),
                *("eczane*", "ilaç*", "ilac*", "reçete*"),
                *("apteek*", "lääke*", "lääkkeet", "resepti*"),
                *("صيدلية", "صيدليه", "الصيدلية", "دواء", "الدواء", "أدوية", "ادويه", "وصفة"),
            ]
        ),
    ),
    (
        Kind.GROCERIES,
        phrases_fold(
            [
                *("handla*", "handling*", "mat", "maten", "matkass*", "livsmedel*", "affär*"),
                *("groceries", "grocery", "shopping", "food", "shop"),
                *("alışveriş*", "market*", "yiyecek*", "gıda", "erzak"),
                *("kauppa*", "kaupasta", "ruoka*", "ruokaa", "ostoks*"),
                *("بقالة", "البقالة", "طعام", "الطعام", "أكل", "تسوق", "التسوق", "مشتريات"),
            ]
        ),
    ),
    (
        Kind.TRANSPORT,
        phrases_fold(
            [
                *("skjuts", "färdtjänst", "transport*"),
                *("a ride", "a lift"),
                *("ulaşım", "araba ile"),
                *("kyyti*", "kuljetu*"),
                *("توصيل", "مواصلات"),
            ]
        ),
    ),
    (
        Kind.PHONE_FRIEND,
        phrases_fold(
            [
                *("ensam", "sällskap", "någon att prata med"),
                *("lonely", "someone to talk"),
                *("yalnızım", "yalnız", "sohbet*"),
                *("yksinäi*", "jutella", "juttuseura*"),
                *("وحيد", "وحيدة", "وحيده"),
            ]
        ),
    ),
    (
        Kind.CALLBACK,
        phrases_fold(
            [
                *("ring", "ringa", "ringer", "ring mig", "samtal"),
                *("call*", "phone me", "ring me"),
                *("ara", "arayın", "arayin", "arar*", "beni ara*"),
                *("soita*", "soitta*"),
                *("اتصل*", "اتصال", "كلموني"),
            ]
        ),
    ),
]
CANCEL_WORDS = phrases_fold(["avbryt", "ångra", "abort", "withdraw", "iptal", "peruuta", "peru"])
CANCEL_WORDS += phrases_fold(["إلغاء", "الغاء", "الغي"])
_CODE = re.compile(r"\b(\d{4,8})\b")
_RATING = re.compile(r"^(?:([1-5])(?: (\d{4,8}))?|(\d{4,8}) ([1-5]))$")


def kinds_read(text: str) -> list[str]:
    """The kinds of need a text names, most specific first; [] when unclear."""
    folded = text_fold(text)
    return [kind for kind, words in KIND_KEYWORDS if text_has_any(folded, words)]


def rating_read(text: str) -> tuple[int, str] | None:
    """(rating, code or "") for "4", "4 4821" or "4821 4"; None otherwise."""
    match = _RATING.match(text_fold(text))
    if not match:
        return None
    rating = match.group(1) or match.group(4)
    code = match.group(2) or match.group(3) or ""
    return int(rating), code


def cancel_read(text: str) -> tuple[bool, str]:
    """(is a cancellation, code or ""). Only a short message counts, so "avbryt" in the middle
    of a story does not cancel anything."""
    folded = text_fold(text)
    words = folded.split()
    if not words or len(words) > 4 or text_has_any(folded, CANCEL_WORDS) is None:
        return False, ""
    code = _CODE.search(folded)
    return True, code.group(1) if code else ""


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


def _message_about(message: Message, request: HelpRequest) -> None:
    Message.objects.filter(pk=message.pk).update(
        about_type=ContentType.objects.get_for_model(HelpRequest), about_id=request.pk
    )


def _already_handled(message: Message) -> bool:
    """Whether this message already joined a request (_record_in points it at one), so that a
    retried task does not create a second request. Read off the message's own row: a search
    of the timeline for it would grow with every message ever received."""
    return Message.objects.filter(
        pk=message.pk,
        about_type=ContentType.objects.get_for_model(HelpRequest),
        about_id__isnull=False,
    ).exists()


def _record_in(request: HelpRequest, message: Message, **data) -> None:
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.SMS_IN,
        # PostgreSQL refuses NUL; the gateway strips it, a message stored another way may not.
        text=message.body.replace("\x00", ""),
        actor_label=SMS,
        data={"message_id": message.pk, **data},
    )
    _message_about(message, request)
    board_publish(request=request, event="sms_in")


def _callback_due(request: HelpRequest, *, minutes: int | None = None) -> Callback:
    if minutes is None:
        minutes = settings.RESIDENT_CALLBACK_DUE_MINUTES
    callback, _ = Callback.objects.get_or_create(
        request=request, defaults={"due_at": timezone.now() + timedelta(minutes=minutes)}
    )
    board_publish(request=request, event="callback")
    return callback


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

    if text_signals_danger(body):
        return _referral(message, resident, open_requests)

    rating = rating_read(body)
    if rating is not None:
        rated = _rating_store(message, resident, *rating)
        if rated is not None:
            return texts.text_rating_thanks(rated), rated.language

    is_cancel, code = cancel_read(body)
    if is_cancel:
        return _cancel(message, resident, open_requests, code)

    current = open_requests.first()
    if current is not None:
        _record_in(current, message)
        if current.sensitive:
            _safe_callback_note_add(current, body)
            return texts.text_referral_followup(current), current.language
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
    _record_in(request, message, kinds=kinds)
    if is_new or not kinds:
        why = "Unknown number" if is_new else "Unclear SMS"
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.NOTE,
            text=f"{why}: for an operator to triage and call back.",
            actor_label="system",
        )
        _callback_due(request)
        if is_new:
            languages = [guessed] if guessed else ["sv", "en"]
            return texts.text_unknown_number(request, languages=languages), languages[0]
        return texts.text_request_created(request, matching=False), language
    if len(kinds) > 1:
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.NOTE,
            text="The SMS also mentions: " + ", ".join(kinds[1:]),
            actor_label="system",
        )
    helprequest_match_enqueue(request=request)
    return texts.text_request_created(request, matching=True), language


def _referral(message: Message, resident: Resident, open_requests) -> tuple[str, str]:
    """A text that signals danger: a sensitive referral, whatever else is open. It never joins a
    request a volunteer can see."""
    referral = open_requests.filter(sensitive=True).first()
    if referral is not None:
        _record_in(referral, message, danger=True)
        return texts.text_referral_followup(referral), referral.language
    referral = helprequest_create(
        resident=resident,
        kind=Kind.REFERRAL,
        channel=HelpRequest.Channel.SMS,
        urgency=HelpRequest.Urgency.URGENT,
        actor_label=SMS,
    )
    _record_in(referral, message, danger=True)
    referral_route(request=referral)
    _callback_due(referral, minutes=0)
    youth = text_signals_youth(message.body)
    return texts.text_referral(referral, youth=youth), referral.language


def _safe_callback_note_add(request: HelpRequest, body: str) -> None:
    """A resident's reply on a referral says when it is safe to call; operators read it on the
    request. Kept short: the full text is on the timeline."""
    note = " / ".join(filter(None, [request.safe_callback_note, " ".join(body.split())]))
    HelpRequest.objects.filter(pk=request.pk).update(safe_callback_note=note[:300])


def _rating_store(
    message: Message, resident: Resident, rating: int, code: str
) -> HelpRequest | None:
    since = timezone.now() - timedelta(days=settings.RESIDENT_RATING_DAYS)
    done = resident.requests.filter(
        status=Status.DONE, rating__isnull=True, closed_at__gte=since, sensitive=False
    )
    if code:
        done = done.filter(code=code)
    request = done.order_by("-closed_at").first()
    if request is None:
        return None
    HelpRequest.objects.filter(pk=request.pk).update(rating=rating)
    request.rating = rating
    _record_in(request, message, rating=rating)
    return request


def _cancel(message: Message, resident: Resident, open_requests, code: str) -> tuple[str, str]:
    request = open_requests.filter(code=code).first() if code else None
    if request is None:
        # Kept on the request the resident most likely means, so an operator sees it.
        latest = open_requests.first() or resident.requests.order_by("-created_at").first()
        if latest is not None:
            _record_in(latest, message)
        if not code and open_requests.count() == 1:
            return texts.text_cancel_which(latest), latest.language
        return texts.text_cancel_not_found(resident.language, code), resident.language
    _record_in(request, message)
    if request.sensitive:
        # Whoever holds the phone may not be the person who asked for help: an operator
        # decides, after a safe call.
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.NOTE,
            text="Cancellation asked by SMS: an operator confirms before closing.",
            actor_label="system",
        )
        return texts.text_referral_followup(request), request.language
    try:
        with transaction.atomic():
            helprequest_transition(
                request=request,
                to=Status.CANCELLED,
                actor_label=SMS,
                text="Cancelled by the resident.",
            )
            offers_withdraw(request=request, reason="cancelled by the resident by SMS")
    except InvalidTransition:
        # Closed by someone else a moment ago.
        return texts.text_cancel_not_found(resident.language, code), resident.language
    return texts.text_cancelled(request), request.language


def _over_daily_requests(message: Message, resident: Resident) -> tuple[str, str]:
    """Past the day's cap no new request is made; the text still lands where operators see it."""
    latest = resident.requests.order_by("-created_at").first()
    if latest is None:  # a cap of 0 cannot mean losing the message
        return _create(message, resident, is_new=False)
    _record_in(latest, message, over_daily_cap=True)
    log.warning("daily request cap reached for %s", phone_mask(str(resident.phone)))
    return texts.text_over_cap(resident.language), resident.language
