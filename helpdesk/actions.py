"""What an operator does from a request's page. Each action is recorded in the timeline and
published to the boards; matching's own services do the offering and assigning."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from matching.models import Offer
from matching.priority import helprequest_priority
from notifications.services import sms_send

from .models import Callback, HelpRequest, Resident, TimelineEvent
from .offers import helprequest_done, helprequest_match
from .realtime import BoardEventKind, board_publish
from .resident_forms import DETAIL_FIELDS
from .resident_places import resident_position_apply, resident_where
from .services import timeline_record


@transaction.atomic
def helprequest_note(
    *, request: HelpRequest, text: str, actor: AbstractBaseUser, token: str = ""
) -> None:
    """`token` comes from the form, so a resent form is recognised (see views)."""
    timeline_record(
        request=request, kind=TimelineEvent.Kind.NOTE, text=text, actor=actor, data={"token": token}
    )
    board_publish(request=request, event=BoardEventKind.TIMELINE)


@transaction.atomic
def helprequest_text_resident(
    *, request: HelpRequest, body: str, actor: AbstractBaseUser, token: str = ""
):
    """An operator's own SMS to the resident. Refused numbers still leave a row saying why."""
    message = sms_send(
        to=str(request.resident.phone or ""), body=body, about=request, language=request.language
    )
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.SMS_OUT,
        text=body,
        actor=actor,
        data={"message": message.pk, "status": message.status, "token": token},
    )
    board_publish(request=request, event=BoardEventKind.TIMELINE)
    return message


@transaction.atomic
def helprequest_mark_done(*, request: HelpRequest, actor: AbstractBaseUser) -> None:
    helprequest_done(request=request, actor=actor)


def helprequest_rematch(*, request: HelpRequest, actor: AbstractBaseUser) -> str:
    """Run matching now, as the operator: unlike the worker's follow-ups, an operator's re-run
    also reopens a request held as escalated. Returns helprequest_match's outcome."""
    with transaction.atomic():
        timeline_record(
            request=request, kind=TimelineEvent.Kind.NOTE, msg="matching_rerun", actor=actor
        )
        board_publish(request=request, event=BoardEventKind.TIMELINE)
        return helprequest_match(request=request, actor=actor)


@dataclass
class CancelPreview:
    """What cancelling a request would do, for the confirmation step."""

    pending_offers: int
    accepted_by: str
    callback_due: datetime | None
    sensitive: bool


def helprequest_cancel_preview(*, request: HelpRequest) -> CancelPreview:
    offers = request.offers.select_related("volunteer")
    accepted = offers.filter(status=Offer.Status.ACCEPTED).first()
    callback = Callback.objects.filter(request=request, done_at__isnull=True).first()
    return CancelPreview(
        pending_offers=offers.filter(status=Offer.Status.PENDING).count(),
        accepted_by=accepted.volunteer.first_name if accepted else "",
        callback_due=callback.due_at if callback else None,
        sensitive=request.sensitive,
    )


@transaction.atomic
def helprequest_resident_update(
    *,
    request: HelpRequest,
    details: dict,
    actor: AbstractBaseUser,
    task: dict | None = None,
    token: str = "",
    match: bool = False,
) -> str | None:
    """Complete or correct the resident of `request` (see resident_forms.DETAIL_FIELDS) and,
    with `match`, run matching at once. Returns matching's outcome, "saved", or None when this
    form's token was used already (a double click). The timeline says that the details
    changed and which fields, never their values: it is read more widely than the resident."""
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if token and locked.timeline.filter(data__token=token).exists():
        return None
    if match and (locked.sensitive or locked.kind == HelpRequest.Kind.CALLBACK):
        raise ValidationError(_("The support line handles this request: it is not matched."))
    resident = Resident.objects.select_for_update().get(pk=locked.resident_id)
    if resident.anonymised_at is not None:
        raise ValidationError(_("This resident is anonymised: their details cannot be added."))
    before = resident_where(resident)
    changed = [f for f in DETAIL_FIELDS if getattr(resident, f) != details[f]]
    for field in changed:
        setattr(resident, field, details[field])
    # The same rule as intake: a picked address's door, else the district's centre; a
    # position from the old address or district would send volunteers to the wrong place.
    resident_position_apply(resident, place=details.get("place"), before=before)
    if resident.place_id != before.place_id:
        changed.append("place")
    if resident.district_id != before.district_id and "district" not in changed:
        changed.append("district")  # the picked address's own
    resident.save()
    locked.resident = resident
    # The request carries its own copy of the district (for figures that outlive the resident)
    # and of the language its SMS go out in.
    locked.district = resident.district
    locked.language = resident.language
    task_fields = []
    if task and not locked.sensitive:
        task_fields = [f for f in ("kind", "task_text") if getattr(locked, f) != task[f]]
        for field in task_fields:
            setattr(locked, field, task[field])
    if match and locked.kind not in HelpRequest.OPERATOR_KINDS and not locked.task_text.strip():
        # Never an offer that tells the volunteer nothing (a text from a new number has none).
        raise ValidationError(_("Write the task for the volunteer, so that the offer says it."))
    changed += task_fields
    locked.priority = helprequest_priority(locked)
    locked.save(update_fields=["district", "language", "priority", "updated_at", *task_fields])
    timeline_record(
        request=locked,
        kind=TimelineEvent.Kind.NOTE,
        msg="resident_details_updated",
        actor=actor,
        data={"token": token, "resident_details": True, "fields": changed},
    )
    board_publish(request=locked, event=BoardEventKind.DETAILS)
    request.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    if not match:
        return "saved"
    return helprequest_match(request=locked, actor=actor)
