"""What every path through an offer shares: locking, waves, the winner's notices."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from helpdesk.models import HelpRequest, TimelineEvent
from helpdesk.realtime import board_publish
from helpdesk.services import helprequest_transition, timeline_record
from notifications.models import Message
from notifications.services import sms_send

from . import notices
from .models import Offer, Volunteer

log = logging.getLogger(__name__)

S = HelpRequest.Status
SYSTEM = "system"


class OfferClosed(Exception):
    """The offer cannot take this answer; `reason` says why, for the reply to the volunteer."""

    TAKEN = "taken"
    EXPIRED = "expired"
    ALREADY_ACCEPTED = "already_accepted"
    ALREADY_DECLINED = "already_declined"
    ALREADY_DONE = "already_done"
    CLOSED = "closed"

    def __init__(self, offer: Offer, reason: str) -> None:
        super().__init__(f"offer {offer.pk}: {reason}")
        self.offer = offer
        self.reason = reason


class OperatorsOnly(ValidationError):
    """The request may never reach a volunteer: it is sensitive, or its resident has an open
    referral. The message says which, for the operator."""


def operators_only_check(*, request: HelpRequest) -> None:
    """The guard every offer and every assignment passes (_offers_create, _offer_won), whichever
    path leads there. Operators' actions show the error; automatic paths escalate before they
    get here (helprequest_match, match_batch, offer_accept)."""
    reason = request.operators_only_reason()
    if reason:
        raise OperatorsOnly(reason, code="operators_only")


def _lock(request: HelpRequest) -> HelpRequest:
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("resident", "district")
        .get(pk=request.pk)
    )


def offer_minutes(request: HelpRequest) -> int:
    if request.urgency == HelpRequest.Urgency.URGENT:
        return settings.MATCHING_OFFER_MINUTES_URGENT
    return settings.MATCHING_OFFER_MINUTES


def _escalate(request: HelpRequest, reason: str, *, actor=None) -> None:
    with override(settings.LANGUAGE_CODE):
        text = str(reason)
    helprequest_transition(
        request=request,
        to=S.ESCALATED,
        actor=actor,
        actor_label="" if actor else SYSTEM,
        text=text,
        escalation_reason=text[:300],
    )


def helprequest_match_enqueue(*, request: HelpRequest) -> None:
    """Match in the background; the task row is written in the caller's transaction."""
    from .tasks import helprequest_match_task

    helprequest_match_task.enqueue(request_id=request.pk)


def _offers_create(
    request: HelpRequest,
    chosen: list[tuple[Volunteer, float, float, list[str]]],
    *,
    actor=None,
) -> list[Offer]:
    """One wave: offers, their SMS, and the delayed task that closes the wave."""
    from .tasks import offers_expire_task

    operators_only_check(request=request)
    wave = (request.offers.aggregate(m=Max("wave"))["m"] or 0) + 1
    expires_at = timezone.now() + timedelta(minutes=offer_minutes(request))
    offers, failed = [], 0
    for volunteer, distance, score, reasons in chosen:
        offer = Offer.objects.create(
            request=request,
            volunteer=volunteer,
            wave=wave,
            code=request.code,
            score=score,
            reasons=[str(r) for r in reasons],
            expires_at=expires_at,
        )
        offer.request = request
        Volunteer.objects.filter(pk=volunteer.pk).update(offers_received=F("offers_received") + 1)
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.OFFER_SENT,
            actor=actor,
            actor_label="" if actor else SYSTEM,
            text=f"{volunteer} ({volunteer.organisation}): " + " · ".join(offer.reasons),
            data={"offer": offer.pk, "volunteer": volunteer.pk, "wave": wave, "score": score},
        )
        message = sms_send(
            to=str(volunteer.phone),
            body=notices.offer_text(offer, distance_km=distance),
            about=offer,
            language=volunteer.language,
        )
        if message.status == Message.Status.REFUSED:
            failed += 1
            _offer_failed(offer, message.error_message)
        offers.append(offer)
    if request.status in (S.NEW, S.ESCALATED):
        helprequest_transition(request=request, to=S.MATCHING, actor=actor)
    if request.status == S.MATCHING:
        helprequest_transition(
            request=request,
            to=S.OFFERED,
            actor=actor,
            actor_label="" if actor else SYSTEM,
            text=_("Wave %(wave)d: offered to %(n)d volunteers.")
            % {"wave": wave, "n": len(offers)},
        )
    else:
        board_publish(request=request, event="offers")
    offers_expire_task.using(run_after=expires_at).enqueue(request_id=request.pk, wave=wave)
    if failed == len(offers):
        # Nobody could even be texted: go straight on to the next wave.
        helprequest_match_enqueue(request=request)
    return offers


def _offer_failed(offer: Offer, why: str) -> bool:
    changed = Offer.objects.filter(pk=offer.pk, status=Offer.Status.PENDING).update(
        status=Offer.Status.FAILED, responded_at=timezone.now()
    )
    if changed:
        offer.status = Offer.Status.FAILED
        timeline_record(
            request=offer.request,
            kind=TimelineEvent.Kind.OFFER_FAILED,
            actor_label=SYSTEM,
            text=f"{offer.volunteer}: {why}"[:500],
            data={"offer": offer.pk, "volunteer": offer.volunteer_id},
        )
    return bool(changed)


def _wave_over(request: HelpRequest) -> None:
    """After a decline, an expiry or a failed SMS: the next wave once nobody is left waiting."""
    if request.status in (S.MATCHING, S.OFFERED) and not (
        request.offers.filter(status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED]).exists()
    ):
        helprequest_match_enqueue(request=request)


def _closed_reason(offer: Offer, request: HelpRequest, now) -> str:
    if offer.status == Offer.Status.ACCEPTED:
        return OfferClosed.ALREADY_ACCEPTED
    if offer.status == Offer.Status.DONE:
        return OfferClosed.ALREADY_DONE
    if offer.status == Offer.Status.DECLINED:
        return OfferClosed.ALREADY_DECLINED
    if request.offers.filter(status__in=[Offer.Status.ACCEPTED, Offer.Status.DONE]).exists():
        return OfferClosed.TAKEN
    if offer.status == Offer.Status.EXPIRED or (
        offer.status == Offer.Status.PENDING and offer.expires_at <= now
    ):
        return OfferClosed.EXPIRED
    return OfferClosed.CLOSED


def _offer_won(request: HelpRequest, offer: Offer, *, actor, actor_label: str) -> None:
    operators_only_check(request=request)
    volunteer = offer.volunteer
    helprequest_transition(
        request=request,
        to=S.ASSIGNED,
        actor=actor,
        actor_label=actor_label,
        assigned_volunteer=volunteer,
        escalation_reason="",
    )
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.OFFER_ACCEPTED,
        actor=actor,
        actor_label=actor_label,
        text=f"{volunteer} ({volunteer.organisation})",
        data={"offer": offer.pk, "volunteer": volunteer.pk},
    )
    for other in request.offers.filter(status=Offer.Status.PENDING).select_related("volunteer"):
        if Offer.objects.filter(pk=other.pk, status=Offer.Status.PENDING).update(
            status=Offer.Status.WITHDRAWN
        ):
            other.request = request
            sms_send(
                to=str(other.volunteer.phone),
                body=notices.taken_text(other),
                about=other,
                language=other.volunteer.language,
            )
    sms_send(
        to=str(volunteer.phone),
        body=notices.accepted_text(offer),
        about=offer,
        language=volunteer.language,
    )
    resident = request.resident
    if not resident.phone:
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.NOTE,
            actor_label=SYSTEM,
            text=_("The resident has no phone number on file: tell them who is coming."),
        )
        return
    notice = sms_send(
        to=str(resident.phone),
        body=notices.resident_notice_text(offer),
        about=request,
        language=request.language,
    )
    if notice.status == Message.Status.REFUSED:
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.NOTE,
            actor_label=SYSTEM,
            text=_("No SMS to the resident (%(why)s): call them to say who is coming.")
            % {"why": notice.error_message},
        )


def _withdraw(request: HelpRequest, offers) -> list[Offer]:
    withdrawn = []
    for offer in offers.select_related("volunteer"):
        if Offer.objects.filter(pk=offer.pk, status=offer.status).update(
            status=Offer.Status.WITHDRAWN
        ):
            offer.status = Offer.Status.WITHDRAWN
            offer.request = request
            sms_send(
                to=str(offer.volunteer.phone),
                body=notices.withdrawn_text(offer),
                about=offer,
                language=offer.volunteer.language,
            )
            withdrawn.append(offer)
    return withdrawn
