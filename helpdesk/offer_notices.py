"""The SMS texts of the offer lifecycle, each written in the recipient's language.

An offer must fit two SMS segments in every language: 306 characters in the GSM alphabet,
but only 134 once one character (Arabic, Turkish ş/ğ/ı) forces UCS-2. The task text is the
part that gives way. No text uses Twilio's reserved words (STOP, START, YES, HELP, ...).
"""

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from matching.kinds import kind_phrase
from matching.models import Offer, Volunteer
from matching.search import request_position_approximate
from notifications.bodies import sms_clean, sms_segments
from notifications.phones import phone_display

from .models import HelpRequest

MAX_OFFER_SEGMENTS = 2


def _segments(body: str) -> int:
    """Segments as the gateway will send it (after its clean-up of look-alike characters)."""
    return sms_segments(sms_clean(body))


def _fit(build, text: str, max_segments: int) -> str:
    """build(text) with `text` shortened (with an ellipsis) until the SMS fits."""
    body = build(text)
    if _segments(body) <= max_segments:
        return body
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits
        mid = (low + high + 1) // 2
        if _segments(build(text[:mid].rstrip() + "…")) <= max_segments:
            low = mid
        else:
            high = mid - 1
    return build(text[:low].rstrip() + "…" if low else "")


def when_text(request: HelpRequest) -> str:
    """When the help is wanted, in the active language."""
    if request.window_start:
        start = timezone.localtime(request.window_start)
        if request.window_end:
            end = timezone.localtime(request.window_end)
            return f"{start:%d/%m %H:%M}–{end:%H:%M}"
        return f"{start:%d/%m %H:%M}"
    if request.urgency == HelpRequest.Urgency.URGENT:
        return _("as soon as possible")
    if request.urgency == HelpRequest.Urgency.LOW:
        return _("within a few days")
    return _("today or tomorrow")


def offer_text(offer: Offer, *, distance_km: float | None = None) -> str:
    request = offer.request
    # Either end at a district's centre: the tenths of a kilometre would be made up, so the
    # offer says "about" and whole kilometres.
    approximate = request_position_approximate(request) or offer.volunteer.position_approximate
    with override(offer.volunteer.language):
        place = request.district.name if request.district_id else ""
        expires = f"{timezone.localtime(offer.expires_at):%H:%M}"
        if distance_km is None:
            km = "?"
        elif approximate:
            km = number_format(max(1, round(distance_km)), 0)
        else:
            # In the volunteer's number format: "1,4" in Swedish, "1.4" in English.
            km = number_format(round(distance_km, 1), 1)
        facts = {
            "kind": kind_phrase(request.kind),
            "place": place,
            "km": km,
            "when": when_text(request),
            "code": offer.code,
            "until": expires,
        }

        if approximate:
            full = _("Samhjälp #%(code)s: %(kind)s, %(place)s, about %(km)s km from you, %(when)s.")
            short = _("Samhjälp #%(code)s: %(kind)s, about %(km)s km from you, %(when)s.")
        else:
            full = _("Samhjälp #%(code)s: %(kind)s, %(place)s, %(km)s km from you, %(when)s.")
            short = _("Samhjälp #%(code)s: %(kind)s, %(km)s km from you, %(when)s.")
        full %= facts
        tail = _("Reply 1 %(code)s to accept or 2 %(code)s to decline, by %(until)s.") % facts
        if _segments(f"{full} {tail}") > MAX_OFFER_SEGMENTS:
            # A long place name in a UCS-2 language: the place gives way before the code does.
            full = short % facts

        def build(task: str) -> str:
            return f"{full} {task} {tail}" if task else f"{full} {tail}"

        return _fit(build, request.task_text.strip(), MAX_OFFER_SEGMENTS)


def accepted_text(offer: Offer) -> str:
    """For the volunteer who got the task: now, and only now, who and where."""
    request, resident = offer.request, offer.request.resident
    with override(offer.volunteer.language):
        phone = phone_display(str(resident.phone)) if resident.phone else ""
        facts = {
            "code": offer.code,
            "name": resident.name or _("the resident"),
            "address": resident.address or _("address by phone from the support line"),
            "phone": phone,
            "when": when_text(request),
        }

        def build(task: str) -> str:
            head = _("Thank you! #%(code)s is yours: %(name)s, %(address)s") % facts
            if phone:
                head += _(", tel %(phone)s") % facts
            tail = _("When: %(when)s. Reply 3 %(code)s when done.") % facts
            return f"{head}. {task} {tail}" if task else f"{head}. {tail}"

        return _fit(build, request.task_text.strip(), 3)


def taken_text(offer: Offer) -> str:
    """The reply to a volunteer who answered an offer someone else had already taken."""
    with override(offer.volunteer.language):
        return _("#%(code)s has already been taken by someone else. Thank you for answering!") % {
            "code": offer.code
        }


def expired_text(offer: Offer) -> str:
    with override(offer.volunteer.language):
        return _("The time to answer #%(code)s has run out. Thank you anyway!") % {
            "code": offer.code
        }


def declined_text(offer: Offer) -> str:
    with override(offer.volunteer.language):
        return _("Thanks for letting us know. We will ask someone else for #%(code)s.") % {
            "code": offer.code
        }


def withdrawn_text(offer: Offer) -> str:
    with override(offer.volunteer.language):
        return _("#%(code)s is no longer needed. Thank you all the same!") % {"code": offer.code}


def done_text(offer: Offer) -> str:
    with override(offer.volunteer.language):
        return _("Thank you for your help with #%(code)s! It is now marked as done.") % {
            "code": offer.code
        }


def resident_notice_text(offer: Offer) -> str:
    request, volunteer = offer.request, offer.volunteer
    with override(request.language or request.resident.language):
        return _(
            "Samhjälp: %(name)s from %(organisation)s will help you (%(kind)s), %(when)s. "
            "Request #%(code)s."
        ) % {
            "name": volunteer.first_name,
            "organisation": volunteer.organisation.name,
            "kind": request.get_kind_display().lower(),
            "when": when_text(request),
            "code": request.code,
        }


def which_text(volunteer: Volunteer, codes: list[str]) -> str:
    with override(volunteer.language):
        return _(
            "You have several offers: %(codes)s. Reply with the number and the code, "
            "e.g. 1 %(first)s to accept or 2 %(first)s to decline."
        ) % {"codes": ", ".join(f"#{c}" for c in codes), "first": codes[0]}


def nothing_open_text(volunteer: Volunteer) -> str:
    with override(volunteer.language):
        return _("You have no open offer right now. Thank you for being ready to help!")


def unknown_code_text(volunteer: Volunteer, code: str) -> str:
    with override(volunteer.language):
        return _("We found no offer #%(code)s for you. Check the code in the offer SMS.") % {
            "code": code
        }


def help_text(volunteer: Volunteer) -> str:
    with override(volunteer.language):
        return _(
            "Samhjälp: reply 1 and the code to accept (1 4821), 2 to decline, 3 when done. "
            "PAUS pauses offers, RESUME starts them again."
        )


def paused_text(volunteer: Volunteer) -> str:
    with override(volunteer.language):
        return _("Offers are paused. Reply RESUME when you want them again.")


def resumed_text(volunteer: Volunteer) -> str:
    with override(volunteer.language):
        return _("Welcome back! You will get offers again.")


def not_pending_text(offer: Offer) -> str:
    with override(offer.volunteer.language):
        return _("#%(code)s is no longer open. Thank you!") % {"code": offer.code}
