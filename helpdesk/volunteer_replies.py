"""Volunteers answer offers by SMS: a digit and the offer code ("1 4821"), or a word from any
language pack (accept, decline, done, pause and resume words). Registered with
notifications.inbound at order 10, before residents.

YES, START, STOP, HELP and the other Twilio keywords are never our codes: YES and START opt a
number in at the carrier, STOP and CANCEL opt it out. START reaches us only after the SMS
gateway has handled the opt-in; here it also ends a volunteer's pause. HELP and its local
words reach this handler (the gateway leaves them to whoever knows the sender): a volunteer
gets the usage text, and anyone else goes on to the residents' handler.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import QuerySet

import languages
from matching.models import Offer, Volunteer
from matching.services import volunteer_pause
from notifications.models import Message
from notifications.phones import phone_try_normalise

from . import offer_notices as notices
from .offers import OfferClosed, offer_accept, offer_decline, offer_done

ACCEPT, DECLINE, DONE, PAUSE, RESUME = "accept", "decline", "done", "pause", "resume"

# The digits are the protocol itself, in no language; the words come from the packs.
DIGITS = {"1": ACCEPT, "2": DECLINE, "3": DONE}


@functools.cache
def _actions(version: int) -> dict[str, str]:
    action_of = {}
    for language in languages.packs():
        for action, words in (
            (ACCEPT, language.accept_words),
            (DECLINE, language.decline_words),
            (DONE, language.done_words),
            (PAUSE, language.pause_words),
            (RESUME, language.resume_words),
        ):
            for word in words:
                action_of[unicodedata.normalize("NFC", word).casefold()] = action
    return {**action_of, **DIGITS}


def action_of() -> dict[str, str]:
    """Reply word -> action, from the digits and every language pack registered."""
    return _actions(languages.registry_version())


@dataclass(frozen=True)
class Reply:
    action: str | None
    code: str = ""


def _ascii_digits(text: str) -> str:
    """Arabic-Indic and other digits as 0-9, so "١ ٤٨٢١" reads as "1 4821"."""
    return "".join(
        str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text
    )


def reply_parse(body: str) -> Reply:
    """What a volunteer's SMS asks for. Unknown text gives Reply(None)."""
    text = _ascii_digits(unicodedata.normalize("NFC", body or "")).casefold()
    tokens = re.findall(r"\w+", text)
    if not tokens:
        return Reply(None)
    first = tokens[0]
    codes = [t for t in tokens[1:] if t.isdigit()]
    actions = action_of()
    if first in actions:
        return Reply(actions[first], codes[0] if codes else "")
    if first.isdigit() and len(tokens) > 1 and tokens[1] in actions:
        return Reply(actions[tokens[1]], first)  # "4821 1", "4821 ja"
    if first.isdigit() and len(first) >= 5 and first[0] in DIGITS:
        return Reply(DIGITS[first[0]], first[1:])  # "14821", typed without the space
    return Reply(None)


def _open_offers(volunteer: Volunteer, action: str) -> QuerySet:
    status = Offer.Status.ACCEPTED if action == DONE else Offer.Status.PENDING
    return volunteer.offers.filter(status=status).select_related("request").order_by("created_at")


def _apply(offer: Offer, action: str) -> str:
    """Carry out the answer; the reply text ("" when the service already texted)."""
    volunteer = offer.volunteer
    try:
        if action == ACCEPT:
            offer_accept(offer=offer)
            return ""
        if action == DECLINE:
            offer_decline(offer=offer)
            return notices.declined_text(offer)
        offer_done(offer=offer)
        return ""
    except OfferClosed as closed:
        offer = closed.offer
        offer.volunteer = volunteer
        return {
            OfferClosed.TAKEN: notices.taken_text,
            OfferClosed.EXPIRED: notices.expired_text,
            OfferClosed.ALREADY_ACCEPTED: notices.accepted_text,
            OfferClosed.ALREADY_DECLINED: notices.declined_text,
            OfferClosed.ALREADY_DONE: notices.done_text,
        }.get(closed.reason, notices.not_pending_text)(offer)


def volunteer_reply(message: Message) -> str | None:
    """The inbound handler: None when the sender is not a volunteer."""
    phone = phone_try_normalise(message.phone)
    volunteer = (
        Volunteer.objects.select_related("organisation").filter(phone=phone).first()
        if phone
        else None
    )
    if volunteer is None:
        return None
    reply = reply_parse(message.body)
    if reply.action == PAUSE:
        volunteer_pause(volunteer=volunteer, paused=True)
        return notices.paused_text(volunteer)
    if reply.action == RESUME:
        if volunteer_pause(volunteer=volunteer, paused=False):
            return notices.resumed_text(volunteer)
        # Not paused: a START the gateway has already answered needs no second reply.
        return ""
    if reply.action is None:
        return notices.help_text(volunteer)
    if reply.code:
        offer = (
            volunteer.offers.filter(code=reply.code)
            .select_related("request")
            .order_by("-created_at")
            .first()
        )
        if offer is None:
            return notices.unknown_code_text(volunteer, reply.code)
    else:
        offers = list(_open_offers(volunteer, reply.action)[:10])
        if not offers:
            return notices.nothing_open_text(volunteer)
        if len(offers) > 1:
            return notices.which_text(volunteer, [o.code for o in offers])
        offer = offers[0]
    offer.volunteer = volunteer
    _message_about(message, offer)
    return _apply(offer, reply.action)


def _message_about(message: Message, offer: Offer) -> None:
    """File the inbound SMS under the offer it answers, for the SMS log."""
    if message.pk and message.about_id is None:
        from django.contrib.contenttypes.models import ContentType

        Message.objects.filter(pk=message.pk).update(
            about_type=ContentType.objects.get_for_model(Offer), about_id=offer.pk
        )
