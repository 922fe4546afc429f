"""From a request to an assigned volunteer: offers in waves, first accept wins, escalation.

Every status change of a request goes through helpdesk.services.helprequest_transition, so
the timeline and the board stay right; every SMS through notifications.services.sms_send.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import HelpRequest, TimelineEvent
from helpdesk.realtime import board_publish
from helpdesk.services import helprequest_transition, timeline_record
from notifications.phones import phone_is_mobile

from .answers import (  # noqa: F401 (the public service names live here)
    helprequest_done,
    offer_accept,
    offer_decline,
    offer_delivery_failed,
    offer_done,
    offers_expire,
)
from .models import Offer, Volunteer
from .offers import (
    SYSTEM,
    OfferClosed,  # noqa: F401 (raised by the answers, caught by callers)
    OperatorsOnly,  # noqa: F401 (raised for operators' actions, caught by callers)
    _escalate,
    _lock,
    _offer_won,
    _offers_create,
    _wave_over,
    _withdraw,
    helprequest_match_enqueue,  # noqa: F401
    operators_only_check,
)
from .search import candidates_rank, haversine_km, request_position

log = logging.getLogger(__name__)

S = HelpRequest.Status


def _waves_since_start(request: HelpRequest) -> tuple[int, int]:
    """(waves, volunteers asked) since matching last started; an operator's restart of an
    escalated request gets a fresh set of waves."""
    started = (
        TimelineEvent.objects.filter(request=request, to_status=S.MATCHING)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    offers = request.offers.all()
    if started is not None:
        offers = offers.filter(created_at__gte=started)
    return offers.values("wave").distinct().count(), offers.count()


@transaction.atomic
def helprequest_match(*, request: HelpRequest, actor: AbstractBaseUser | None = None) -> str:
    """Start or continue matching: send the next wave of offers, or escalate with the reason.

    Returns what happened: "offered", "waiting" (a wave is still open), "escalated" or
    "skipped" (nothing to do in this status). Automatic follow-ups never reopen a request an
    operator holds as escalated; an operator's call (with `actor`) does.
    """
    request = _lock(request)
    if request.status not in (S.NEW, S.MATCHING, S.OFFERED, S.ESCALATED):
        return "skipped"
    reason = request.operators_only_reason()
    if reason:
        # Sensitive, or the resident has an open referral: operators handle it, from any path.
        if request.status != S.ESCALATED:
            _escalate(request, reason, actor=actor)
        return "escalated"
    if request.status == S.ESCALATED and actor is None:
        return "skipped"
    if request.status in (S.NEW, S.ESCALATED):
        helprequest_transition(
            request=request,
            to=S.MATCHING,
            actor=actor,
            actor_label="" if actor else SYSTEM,
        )
    if request.offers.filter(status=Offer.Status.PENDING).exists():
        return "waiting"
    waves, asked = _waves_since_start(request)
    if waves >= settings.MATCHING_MAX_WAVES:
        _escalate(
            request,
            _("Nobody accepted after %(waves)d waves of offers (%(asked)d volunteers asked).")
            % {"waves": waves, "asked": asked},
        )
        return "escalated"
    candidates = candidates_rank(request=request, limit=settings.MATCHING_WAVE_SIZE)
    if not candidates:
        if request_position(request) is None:
            reason = _("The resident has no address or district, so nobody nearby can be found.")
        elif asked:
            reason = _("No more volunteers to ask after %(asked)d offers.") % {"asked": asked}
        else:
            reason = _("No available volunteer within %(km)s km can take %(kind)s.") % {
                "km": f"{request.radius_km:g}",
                "kind": request.get_kind_display().lower(),
            }
        _escalate(request, reason)
        return "escalated"
    volunteers = Volunteer.objects.select_related("organisation").in_bulk(
        [c.volunteer_id for c in candidates]
    )
    _offers_create(
        request,
        [
            (volunteers[c.volunteer_id], c.distance_km, c.score, c.reasons)
            for c in candidates
            if c.volunteer_id in volunteers  # removed since the ranking: skip
        ],
        actor=actor,
    )
    return "offered"


@transaction.atomic
def offers_send(
    *,
    request: HelpRequest,
    volunteers: list[Volunteer],
    actor: AbstractBaseUser | None = None,
) -> list[Offer]:
    """Offers to volunteers an operator chose. Raises ValidationError when none can get one."""
    request = _lock(request)
    operators_only_check(request=request)
    if request.status not in (S.NEW, S.MATCHING, S.OFFERED, S.ESCALATED):
        raise ValidationError(
            _("A request that is %(status)s cannot be offered.")
            % {"status": request.get_status_display().lower()}
        )
    asked = set(request.offers.values_list("volunteer_id", flat=True))
    position = request_position(request)
    chosen = []
    for volunteer in volunteers:
        if volunteer.pk in asked or not volunteer.available:
            continue
        if not phone_is_mobile(str(volunteer.phone)):
            continue
        distance = (
            haversine_km(position[0], position[1], volunteer.lat, volunteer.lon)
            if position
            else None
        )
        reasons = [_("%(km).1f km") % {"km": distance}] if distance is not None else []
        reasons.append(_("chosen by an operator"))
        chosen.append((volunteer, distance, 0.0, reasons))
    if not chosen:
        raise ValidationError(
            _("None of these volunteers can get an offer: already asked, paused, or no mobile.")
        )
    return _offers_create(request, chosen, actor=actor)


@transaction.atomic
def helprequest_assign(
    *, request: HelpRequest, volunteer: Volunteer, actor: AbstractBaseUser | None = None
) -> Offer:
    """Assign directly: the operator agreed it with the volunteer by phone."""
    request = _lock(request)
    operators_only_check(request=request)
    request.check_transition(S.ASSIGNED)
    if request.offers.filter(status__in=[Offer.Status.ACCEPTED, Offer.Status.DONE]).exists():
        raise ValidationError(_("This request already has a volunteer."))
    now = timezone.now()
    offer, _created = Offer.objects.update_or_create(
        request=request,
        volunteer=volunteer,
        defaults=dict(status=Offer.Status.ACCEPTED, responded_at=now, code=request.code),
        create_defaults=dict(
            status=Offer.Status.ACCEPTED,
            responded_at=now,
            code=request.code,
            wave=0,
            expires_at=now,
            reasons=[str(_("assigned by an operator"))],
        ),
    )
    offer.request = request
    _offer_won(request, offer, actor=actor, actor_label="")
    return offer


@transaction.atomic
def offers_withdraw(
    *, request: HelpRequest, actor: AbstractBaseUser | None = None, reason: str = ""
) -> list[Offer]:
    """For a cancel: pending offers and an accepted one are withdrawn, volunteers told."""
    request = _lock(request)
    withdrawn = _withdraw(
        request,
        request.offers.filter(status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED]),
    )
    if withdrawn:
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.NOTE,
            actor=actor,
            text=(
                _("Offers withdrawn (%(n)d): %(reason)s")
                % {"n": len(withdrawn), "reason": reason or _("no reason given")}
            ),
            data={"offers": [o.pk for o in withdrawn]},
        )
        board_publish(request=request, event="offers")
    return withdrawn


@transaction.atomic
def volunteer_offers_withdraw(*, volunteer: Volunteer, reason: str) -> list[Offer]:
    """Withdraw a volunteer's pending offers (they were removed): they are told each is no
    longer needed, and each request looks for someone else once nobody else is asked."""
    withdrawn: list[Offer] = []
    pending = volunteer.offers.filter(status=Offer.Status.PENDING)
    for request_id in sorted(set(pending.values_list("request_id", flat=True))):
        request = _lock(HelpRequest(pk=request_id))
        offers = _withdraw(
            request, request.offers.filter(volunteer=volunteer, status=Offer.Status.PENDING)
        )
        if not offers:
            continue
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.NOTE,
            actor_label=SYSTEM,
            text=_("Offers withdrawn (%(n)d): %(reason)s") % {"n": len(offers), "reason": reason},
            data={"offers": [o.pk for o in offers], "volunteer": volunteer.pk},
        )
        board_publish(request=request, event="offers")
        _wave_over(request)
        withdrawn += offers
    return withdrawn


def volunteer_pause(*, volunteer: Volunteer, paused: bool) -> bool:
    """Pause or resume offers for a volunteer. True when that changed something."""
    return bool(
        Volunteer.objects.filter(pk=volunteer.pk).exclude(paused=paused).update(paused=paused)
    )


def helprequests_match_open(*, limit: int = 200) -> dict[str, int]:
    """Start matching for requests waiting without a wave, most pressing first (urgency, risk
    flags, time waited, district weight: helpdesk.services.helprequest_priority), so that
    when volunteers are scarce the first offers go where they matter most."""
    from helpdesk.services import helprequest_priority

    waiting = (
        HelpRequest.objects.filter(
            status__in=[S.NEW, S.MATCHING], sensitive=False, operators_only=False
        )
        .exclude(offers__status=Offer.Status.PENDING)
        .exclude(HelpRequest.AWAITING_CALL)
        .select_related("resident", "district")
        .distinct()
    )
    ordered = sorted(waiting, key=lambda r: (-helprequest_priority(r), r.created_at))[:limit]
    outcomes: dict[str, int] = {}
    for request in ordered:
        outcome = helprequest_match(request=request)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
