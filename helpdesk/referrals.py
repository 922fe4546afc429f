"""A resident with an open referral is handled by operators only.

When a referral opens, every other open request of that resident stops going to volunteers:
pending and accepted offers are withdrawn (the volunteers are told the task is no longer
needed, nothing more), an assigned volunteer is taken off, and the request goes to operators as
escalated with the reason. When the resident's last referral closes, their requests may go to
volunteers again; an operator decides when (nothing is matched by itself).

`operators_only` on the request and its copy on each offer carry this to the database, whose
constraints refuse a volunteer for such a request whatever code writes the row. The offer and
assignment guards (helpdesk.offers.operators_only_check) apply the same rule as it stands.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from matching.models import Offer

from .models import HelpRequest, Resident, TimelineEvent
from .offers import helprequest_escalate, offers_withdraw
from .realtime import BoardEventKind, board_publish
from .services import timeline_record

S = HelpRequest.Status
# Statuses in which a volunteer is asked or holds the task: these go back to operators.
WITH_VOLUNTEERS = (S.MATCHING, S.OFFERED, S.ASSIGNED)


@transaction.atomic
def resident_referrals_sync(
    *, resident_id: int, actor: AbstractBaseUser | None = None
) -> list[HelpRequest]:
    """Bring `operators_only` of the resident's open requests in step with whether the resident
    has an open referral. Returns the requests that changed."""
    # One sync at a time per resident, so two referrals opening at once agree.
    Resident.objects.select_for_update().filter(pk=resident_id).first()
    open_requests = list(
        HelpRequest.objects.select_for_update().filter(
            resident_id=resident_id, status__in=HelpRequest.OPEN_STATUSES
        )
    )
    referral_open = any(r.sensitive for r in open_requests)
    changed = []
    for request in open_requests:
        if request.sensitive or referral_open:
            if _with_volunteers(request):
                _to_operators(request, actor)
                changed.append(request)
        elif request.operators_only:
            _release(request, actor)
            changed.append(request)
    return changed


def _with_volunteers(request: HelpRequest) -> bool:
    """Whether anything still lets a volunteer near this request: the flag not yet set, a
    volunteer on it, a live offer, or an offer whose copy of the flag lags (a request made
    sensitive after it was offered)."""
    return (
        not request.operators_only
        or request.assigned_volunteer_id is not None
        or request.offers.filter(
            Q(status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED])
            | Q(request_operators_only=False)
        ).exists()
    )


def _to_operators(request: HelpRequest, actor: AbstractBaseUser | None) -> None:
    msg = "sensitive" if request.sensitive else "open_referral"
    actor_label = "" if actor else "system"
    offers_withdraw(request=request, actor=actor, reason={"msg": msg})
    # Nothing is live any more, so the offers may carry the flag; done before the request's own
    # save, whose post_save comes back here and must find nothing left to do.
    Offer.objects.filter(request=request).update(request_operators_only=True)
    if request.status in WITH_VOLUNTEERS:
        helprequest_escalate(
            request=request,
            msg=msg,
            actor=actor,
            actor_label=actor_label,
            assigned_volunteer=None,
            operators_only=True,
        )
        return
    # New or already escalated: nobody holds it; an update, not a save, for the same reason.
    HelpRequest.objects.filter(pk=request.pk).update(operators_only=True, assigned_volunteer=None)
    request.operators_only, request.assigned_volunteer = True, None
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.NOTE,
        msg=msg,
        actor=actor,
        actor_label=actor_label,
        data={"operators_only": True},
    )
    board_publish(request=request, event=BoardEventKind.TIMELINE)


def _release(request: HelpRequest, actor: AbstractBaseUser | None) -> None:
    Offer.objects.filter(request=request).update(request_operators_only=False)
    HelpRequest.objects.filter(pk=request.pk).update(operators_only=False)
    request.operators_only = False
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.NOTE,
        msg="referral_released",
        actor=actor,
        actor_label="" if actor else "system",
        data={"operators_only": False},
    )
    board_publish(request=request, event=BoardEventKind.TIMELINE)


def on_helprequest_saved(sender, instance: HelpRequest, raw: bool = False, **kwargs) -> None:
    """post_save of HelpRequest. Every path that opens or closes a referral saves its row (the
    intake, an SMS, a converted callback, a status change, the admin), so this is the one place
    that sees them all. Only a sensitive row can change whether its resident has a referral."""
    if raw or not instance.sensitive:
        return
    resident_referrals_sync(resident_id=instance.resident_id)
