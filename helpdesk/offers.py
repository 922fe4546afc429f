"""The offer lifecycle, beside the request lifecycle it drives (helpdesk.services): waves of
offers, expiry, first accept wins, withdrawal, escalation, and the SMS volunteers get.

Matching (matching.search, matching.batch) only reads and ranks; everything here changes a
request or an offer, inside a transaction, through helprequest_transition and sms_send.

First accept wins: the request row is locked, the offer moves only by a conditional update,
and a partial unique index on accepted offers backs both up.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from matching.batch import BatchPlan, match_batch_plan
from matching.models import Offer, Volunteer
from matching.priority import helprequest_priority
from matching.search import (
    candidates_rank,
    haversine_km,
    request_position,
    request_position_approximate,
)
from notifications.models import Message
from notifications.phones import phone_is_mobile
from notifications.services import sms_send

from . import offer_notices as notices
from .models import HelpRequest, TimelineEvent
from .realtime import BoardEventKind, board_publish
from .services import helprequest_transition, timeline_record
from .timeline_texts import reason_msg, reasons_stored, render_stored

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


def helprequest_escalate(
    *,
    request: HelpRequest,
    msg: str,
    args: dict | None = None,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    **changes,
) -> HelpRequest:
    """To operators, from any path (matching gave up, a referral opened, a text that may
    signal danger): the reason is a code (helpdesk.timeline_texts) rendered for each reader,
    and escalation_reason keeps its text in the site's language. `changes` are saved with it
    (a volunteer let go, the operators-only flag, a kind that became a referral)."""
    text = render_stored(msg, args or {})
    return helprequest_transition(
        request=request,
        to=S.ESCALATED,
        actor=actor,
        actor_label=actor_label or ("" if actor else SYSTEM),
        msg=msg,
        args=args,
        escalation_reason=text[:300],
        **changes,
    )


def _escalate(request: HelpRequest, msg: str, args: dict | None = None, *, actor=None) -> None:
    helprequest_escalate(request=request, msg=msg, args=args, actor=actor)


def helprequest_match_enqueue(*, request: HelpRequest) -> None:
    """Match in the background; the task row is written in the caller's transaction."""
    helprequest_match_task.enqueue(request_id=request.pk)


def _offers_create(
    request: HelpRequest,
    chosen: list[tuple[Volunteer, float, float, list[tuple[str, dict]]]],
    *,
    actor=None,
) -> list[Offer]:
    """One wave: offers, their SMS, and the delayed task that closes the wave."""
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
            reasons=reasons_stored(reasons),
            expires_at=expires_at,
        )
        offer.request = request
        Volunteer.objects.filter(pk=volunteer.pk).update(offers_received=F("offers_received") + 1)
        timeline_record(
            request=request,
            kind=TimelineEvent.Kind.OFFER_SENT,
            actor=actor,
            actor_label="" if actor else SYSTEM,
            msg="offer_sent",
            args={
                "volunteer": str(volunteer),
                "organisation": str(volunteer.organisation),
                "reasons": reasons,
            },
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
            msg="offers_wave",
            args={"wave": wave, "n": len(offers)},
        )
    else:
        board_publish(request=request, event=BoardEventKind.OFFERS)
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
            msg="offer_failed",
            args={"volunteer": str(offer.volunteer), "why": why},
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
            # They never answered, so no thanks for an answer: just that it is not needed.
            # (taken_text is the reply to one who answers after someone else took it.)
            sms_send(
                to=str(other.volunteer.phone),
                body=notices.withdrawn_text(other),
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
            msg="resident_no_phone",
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
            msg="resident_sms_refused",
            args={"why": notice.error_message},
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


@task()
def helprequest_match_task(request_id: int) -> str:
    request = HelpRequest.objects.filter(pk=request_id).first()
    if request is None:
        return "gone"
    return helprequest_match(request=request)


@task()
def offers_expire_task(request_id: int, wave: int) -> int:
    return offers_expire(request_id=request_id, wave=wave)


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
            _escalate(request, *reason_msg(reason), actor=actor)
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
        _escalate(request, "waves_exhausted", {"waves": waves, "asked": asked})
        return "escalated"
    candidates = candidates_rank(request=request, limit=settings.MATCHING_WAVE_SIZE)
    if not candidates:
        if request_position(request) is None:
            _escalate(request, "no_position")
        elif asked:
            _escalate(request, "no_more_volunteers", {"asked": asked})
        else:
            _escalate(request, "nobody_within", {"km": request.radius_km, "kind": request.kind})
        return "escalated"
    volunteers = Volunteer.objects.select_related("organisation").in_bulk(
        [c.volunteer_id for c in candidates]
    )
    _offers_create(
        request,
        [
            (volunteers[c.volunteer_id], c.distance_km, c.score, c.reason_codes)
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
    approximate = request_position_approximate(request)
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
        reasons = []
        if distance is not None:
            km: dict = {"km": round(distance, 1)}
            if approximate or volunteer.position_approximate:
                km["approximate"] = True  # a district's centre at one end: no true distance
            reasons.append(("km", km))
        reasons.append(("chosen", {}))
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
            reasons=reasons_stored([("assigned", {})]),
        ),
    )
    offer.request = request
    _offer_won(request, offer, actor=actor, actor_label="")
    return offer


@transaction.atomic
def offers_withdraw(
    *, request: HelpRequest, actor: AbstractBaseUser | None = None, reason: str | dict = ""
) -> list[Offer]:
    """For a cancel: pending offers and an accepted one are withdrawn, volunteers told.
    `reason` is what an operator typed, or a code `{"msg": ..., "args": ...}`."""
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
            msg="offers_withdrawn",
            args={"n": len(withdrawn), "reason": reason},
            data={"offers": [o.pk for o in withdrawn]},
        )
        board_publish(request=request, event=BoardEventKind.OFFERS)
    return withdrawn


@transaction.atomic
def volunteer_offers_withdraw(*, volunteer: Volunteer, reason: str | dict) -> list[Offer]:
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
            msg="offers_withdrawn",
            args={"n": len(offers), "reason": reason},
            data={"offers": [o.pk for o in offers], "volunteer": volunteer.pk},
        )
        board_publish(request=request, event=BoardEventKind.OFFERS)
        _wave_over(request)
        withdrawn += offers
    return withdrawn


def helprequests_match_open(*, limit: int = 200) -> dict[str, int]:
    """Start matching for requests waiting without a wave, most pressing first (urgency, risk
    flags, time waited, district weight: matching.priority.helprequest_priority), so that
    when volunteers are scarce the first offers go where they matter most."""
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


def match_batch(*, requests: QuerySet | list | None = None, actor=None) -> BatchPlan:
    """Plan (matching.batch), then offer each request to its planned volunteer. Declines and
    expiries continue with the usual waves; requests nobody can serve go through the usual
    escalation."""
    plan = match_batch_plan(requests=requests)
    volunteers = Volunteer.objects.in_bulk([v for _r, v, _k in plan.pairs])
    for request_id, volunteer_id, _km in plan.pairs:
        try:
            offers_send(
                request=plan.requests[request_id],
                volunteers=[volunteers[volunteer_id]],
                actor=actor,
            )
        except OperatorsOnly:
            # Its resident's referral opened since the plan (or the flag lags): to operators.
            helprequest_match(request=plan.requests[request_id], actor=actor)
    for request_id in plan.unserved:
        helprequest_match(request=plan.requests[request_id], actor=actor)
    return plan


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
            _escalate(request, *reason_msg(reason))
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
    board_publish(request=request, event=BoardEventKind.OFFERS)
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
def helprequest_cancel(
    *,
    request: HelpRequest,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    reason: str | dict = "",
    text: str = "",
    msg: str = "",
) -> HelpRequest:
    """Cancel, from any path (an operator, the resident's SMS, erasure): every live offer is
    withdrawn and its volunteer told, then the request closes. Raises InvalidTransition when
    it is closed already, before anything changed. `text` goes on the timeline's status
    entry (the reason when not given), `reason` on the withdrawal's."""
    request = _lock(request)
    request.check_transition(S.CANCELLED)
    offers_withdraw(request=request, actor=actor, reason=reason)
    helprequest_transition(
        request=request,
        to=S.CANCELLED,
        actor=actor,
        actor_label=actor_label,
        text=text or (reason if isinstance(reason, str) else ""),
        msg=msg or ("" if text or isinstance(reason, str) else reason["msg"]),
        args=None if text or isinstance(reason, str) else reason.get("args"),
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
        board_publish(request=request, event=BoardEventKind.OFFERS)
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
            msg="volunteer_sms_failed",
            args={"name": str(offer.volunteer)},
        )
        return False
    if not _offer_failed(offer, why):
        return False
    board_publish(request=request, event=BoardEventKind.OFFERS)
    _wave_over(request)
    return True
