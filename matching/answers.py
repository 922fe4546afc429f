"""A volunteer's answers to an offer (accept, decline, done), expiry and failed delivery.

First accept wins: the request row is locked, the offer moves only by a conditional update,
and a partial unique index on accepted offers backs both up."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import HelpRequest, TimelineEvent
from helpdesk.realtime import board_publish
from helpdesk.services import helprequest_transition, timeline_record
from notifications.services import sms_send

from . import notices
from .models import Offer, Volunteer
from .offers import (
    SYSTEM,
    OfferClosed,
    _closed_reason,
    _escalate,
    _lock,
    _offer_failed,
    _offer_won,
    _wave_over,
    _withdraw,
)

log = logging.getLogger(__name__)

S = HelpRequest.Status


@transaction.atomic
def offer_accept(
    *, offer: Offer, actor: AbstractBaseUser | None = None, actor_label: str = ""
) -> Offer:
    """The volunteer takes the task. First accept wins; others raise OfferClosed.

    A request that became operators-only while the offer was out (its resident's referral
    opened) goes to operators instead: its offers are withdrawn, the volunteer is told it is no
    longer needed, and the offer comes back withdrawn."""
    request = _lock(offer.request)
    pending = Offer.objects.filter(pk=offer.pk, status=Offer.Status.PENDING).exists()
    if pending and not Volunteer.objects.filter(pk=offer.volunteer_id, is_active=True).exists():
        # Removed while the offer was out (the removal withdraws their offers; this is the
        # backstop): never the resident's address to someone no longer with us.
        _withdraw(request, request.offers.filter(pk=offer.pk, status=Offer.Status.PENDING))
        _wave_over(request)
        offer.refresh_from_db()
        offer.request = request
        return offer
    reason = request.operators_only_reason() if pending else ""
    if reason:
        _withdraw(request, request.offers.filter(status__in=[Offer.Status.PENDING]))
        if request.status != S.ESCALATED:
            _escalate(request, reason)
        offer.refresh_from_db()
        offer.request = request
        return offer
    now = timezone.now()
    try:
        # The conditional update is the race's referee; the partial unique index on accepted
        # offers is the backstop should two ever get past it.
        with transaction.atomic():
            won = Offer.objects.filter(
                pk=offer.pk, status=Offer.Status.PENDING, expires_at__gt=now
            ).update(status=Offer.Status.ACCEPTED, responded_at=now)
    except IntegrityError:
        won = 0
    offer.refresh_from_db()
    offer.request = request
    if not won:
        raise OfferClosed(offer, _closed_reason(offer, request, now))
    Volunteer.objects.filter(pk=offer.volunteer_id).update(offers_answered=F("offers_answered") + 1)
    _offer_won(request, offer, actor=actor, actor_label=actor_label or offer.volunteer.first_name)
    return offer


@transaction.atomic
def offer_decline(
    *, offer: Offer, actor: AbstractBaseUser | None = None, actor_label: str = ""
) -> Offer:
    request = _lock(offer.request)
    declined = Offer.objects.filter(pk=offer.pk, status=Offer.Status.PENDING).update(
        status=Offer.Status.DECLINED, responded_at=timezone.now()
    )
    offer.refresh_from_db()
    offer.request = request
    if not declined:
        raise OfferClosed(offer, _closed_reason(offer, request, timezone.now()))
    Volunteer.objects.filter(pk=offer.volunteer_id).update(offers_answered=F("offers_answered") + 1)
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.OFFER_DECLINED,
        actor=actor,
        actor_label=actor_label or offer.volunteer.first_name,
        text=str(offer.volunteer),
        data={"offer": offer.pk, "volunteer": offer.volunteer_id},
    )
    board_publish(request=request, event="offers")
    _wave_over(request)
    return offer


@transaction.atomic
def offer_done(
    *, offer: Offer, actor: AbstractBaseUser | None = None, actor_label: str = ""
) -> Offer:
    """The volunteer reports the task done."""
    request = _lock(offer.request)
    offer.refresh_from_db()
    if offer.status != Offer.Status.ACCEPTED:
        reason = (
            OfferClosed.ALREADY_DONE if offer.status == Offer.Status.DONE else OfferClosed.CLOSED
        )
        offer.request = request
        raise OfferClosed(offer, reason)
    helprequest_done(
        request=request, actor=actor, actor_label=actor_label or offer.volunteer.first_name
    )
    offer.refresh_from_db()
    return offer


@transaction.atomic
def helprequest_done(
    *, request: HelpRequest, actor: AbstractBaseUser | None = None, actor_label: str = ""
) -> HelpRequest:
    """Close the request; the volunteer who did it is thanked and rests a little."""
    request = _lock(request)
    request.check_transition(S.DONE)
    offer = request.offers.filter(status=Offer.Status.ACCEPTED).select_related("volunteer").first()
    now = timezone.now()
    if offer is not None:
        Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.DONE)
        Volunteer.objects.filter(pk=offer.volunteer_id).update(last_task_at=now)
    helprequest_transition(request=request, to=S.DONE, actor=actor, actor_label=actor_label)
    _withdraw(request, request.offers.filter(status=Offer.Status.PENDING))
    if offer is not None:
        offer.request = request
        sms_send(
            to=str(offer.volunteer.phone),
            body=notices.done_text(offer),
            about=offer,
            language=offer.volunteer.language,
        )
    return request


@transaction.atomic
def offers_expire(*, request_id: int, wave: int) -> int:
    """Close a wave whose time is up. Runs as a delayed task at the wave's expiry, so the
    worker's schedule, not the clock here, says when; a late run is harmless."""
    request = _lock(HelpRequest(pk=request_id))
    expired = 0
    for offer in request.offers.filter(status=Offer.Status.PENDING, wave=wave).select_related(
        "volunteer"
    ):
        if Offer.objects.filter(pk=offer.pk, status=Offer.Status.PENDING).update(
            status=Offer.Status.EXPIRED
        ):
            expired += 1
            timeline_record(
                request=request,
                kind=TimelineEvent.Kind.OFFER_EXPIRED,
                actor_label=SYSTEM,
                text=str(offer.volunteer),
                data={"offer": offer.pk, "volunteer": offer.volunteer_id, "wave": wave},
            )
    if expired:
        board_publish(request=request, event="offers")
        _wave_over(request)
    return expired


@transaction.atomic
def offer_delivery_failed(*, offer_id: int, why: str = "") -> bool:
    """An offer SMS that never arrived counts as a decline."""
    offer = Offer.objects.select_related("volunteer").filter(pk=offer_id).first()
    if offer is None:
        return False
    request = _lock(offer.request)
    offer.request = request
    if offer.status == Offer.Status.ACCEPTED:
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.NOTE,
            actor_label=SYSTEM,
            text=_("An SMS to %(name)s was not delivered: call them with the details.")
            % {"name": offer.volunteer},
        )
        return False
    if not _offer_failed(offer, why or _("SMS not delivered")):
        return False
    board_publish(request=request, event="offers")
    _wave_over(request)
    return True
