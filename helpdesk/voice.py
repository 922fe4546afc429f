"""A voice menu for residents with only a landline: language, then need, then a callback.

Twilio posts each step (signed); we answer with TwiML. Every path ends with a request and a
callback for the support line, including silence and wrong keys: a caller is never left with
nothing. The request is keyed on the CallSid, so a retried or repeated step does not make two.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from twilio.twiml.voice_response import VoiceResponse

import languages
from notifications.phones import phone_try_normalise
from notifications.webhooks import public_url, twilio_signed

from .models import Callback, HelpRequest, Resident, TimelineEvent
from .realtime import BoardEventKind, board_publish
from .services import helprequest_create, timeline_record

Kind = HelpRequest.Kind


def language_keys() -> dict[str, str]:
    """Menu key -> language: the packs in registry order, from 1. Each pack holds its voice
    (an Amazon Polly voice for Twilio) and announces itself in its own words."""
    return {str(n): code for n, code in enumerate(languages.codes(), start=1)}


NEED_KEYS = {"1": Kind.GROCERIES, "2": Kind.PHARMACY, "3": Kind.CALLBACK}
GATHER_TIMEOUT = 6


def _twiml(response: VoiceResponse) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


def _say(response, text: str, language: str) -> None:
    voiced = languages.pack(language)
    response.say(text, voice=voiced.voice, language=voiced.voice_language)


def _in(language: str, build) -> str:
    with translation.override(language):
        return str(build())


@twilio_signed
@require_POST
def voice_inbound(request: HttpRequest) -> HttpResponse:
    """Step 1: which language. Silence falls through to the redirect, read as no choice."""
    response = VoiceResponse()
    action = public_url("/voice/language/")
    gather = response.gather(num_digits=1, action=action, method="POST", timeout=GATHER_TIMEOUT)
    _say(gather, "Samhjälp.", settings.LANGUAGE_CODE)
    for key, language in language_keys().items():
        _say(gather, languages.pack(language).voice_menu.format(key=key), language)
    response.redirect(action, method="POST")
    return _twiml(response)


@twilio_signed
@require_POST
def voice_language(request: HttpRequest) -> HttpResponse:
    """Step 2: what is needed, in the chosen language; no or a wrong key: a callback."""
    language = language_keys().get(request.POST.get("Digits", "").strip())
    if language is None:
        return _finish(request, language=None, kind=Kind.CALLBACK, why="no language chosen")
    response = VoiceResponse()
    action = public_url(f"/voice/need/?lang={language}")
    gather = response.gather(num_digits=1, action=action, method="POST", timeout=GATHER_TIMEOUT)
    _say(
        gather,
        _in(
            language,
            lambda: _(
                "For help with shopping, press 1. For the pharmacy, press 2. "
                "To be called back by the support line, press 3."
            ),
        ),
        language,
    )
    response.redirect(action, method="POST")
    return _twiml(response)


@twilio_signed
@require_POST
def voice_need(request: HttpRequest) -> HttpResponse:
    """Step 3: the request, a callback for the support line and a spoken confirmation."""
    language = request.GET.get("lang", "")
    if language not in languages.codes():
        language = None
    kind = NEED_KEYS.get(request.POST.get("Digits", "").strip())
    why = "" if kind else "no need chosen"
    return _finish(request, language=language, kind=kind or Kind.CALLBACK, why=why)


def _finish(request: HttpRequest, *, language: str | None, kind: str, why: str) -> HttpResponse:
    response = VoiceResponse()
    spoken = [language] if language else list(languages.UNSURE)
    phone = phone_try_normalise(request.POST.get("From", ""))
    if phone is None:
        # A hidden number cannot be called back: say so and where to call instead.
        for lang in spoken:
            _say(response, _in(lang, _hidden_number_text), lang)
        response.hangup()
        return _twiml(response)
    help_request = voice_request_create(
        phone=phone,
        call_sid=request.POST.get("CallSid", "")[:64],
        language=language,
        kind=kind,
        why=why,
    )
    digits = " ".join(help_request.code)
    for lang in spoken:
        _say(response, _in(lang, lambda: _confirmation_text(digits)), lang)
    response.hangup()
    return _twiml(response)


def _hidden_number_text() -> str:
    return _(
        "We cannot see your phone number, so we cannot call you back. Please call again "
        "with your number shown. In an emergency, call 112."
    )


def _confirmation_text(digits: str) -> str:
    return _(
        "Thank you. The support line will call you back on this number soon. "
        "Your request number is %(digits)s. Goodbye."
    ) % {"digits": digits}


@transaction.atomic
def voice_request_create(
    *, phone: str, call_sid: str, language: str | None, kind: str, why: str = ""
) -> HelpRequest:
    """The request for a call: one per CallSid, status new, with a callback due soon."""
    if call_sid:
        seen = TimelineEvent.objects.filter(
            kind=TimelineEvent.Kind.CALLBACK, data__call_sid=call_sid
        ).first()
        if seen is not None:
            return seen.request
    resident = Resident.objects.select_for_update().filter(phone=phone).first()
    if resident is None:
        try:
            with transaction.atomic():
                Resident.objects.create(phone=phone, language=language or settings.LANGUAGE_CODE)
        except IntegrityError:
            pass  # created a moment ago by a parallel call or text
        resident = Resident.objects.select_for_update().get(phone=phone)
    help_request = helprequest_create(
        resident=resident,
        kind=kind,
        channel=HelpRequest.Channel.VOICE,
        language=language or resident.language,
        actor_label="voice menu",
    )
    Callback.objects.create(
        request=help_request,
        due_at=timezone.now() + timedelta(minutes=settings.RESIDENT_CALLBACK_DUE_MINUTES),
    )
    timeline_record(
        request=help_request,
        kind=TimelineEvent.Kind.CALLBACK,
        msg="voice_menu",
        args={"why": why},
        actor_label="voice menu",
        data={"call_sid": call_sid, "language_chosen": language or ""},
    )
    board_publish(request=help_request, event=BoardEventKind.CALLBACK)
    return help_request
