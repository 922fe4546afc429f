"""Taking a request on the phone: find the caller by number, update or create the resident,
create the request once however often the form is sent, text a summary, start matching."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.phones import phone_display, phone_is_mobile, phone_try_normalise
from notifications.services import sms_send

from .callbacks import callback_create
from .forms import RESIDENT_FIELDS
from .models import HelpRequest, Resident, TimelineEvent
from .offers import helprequest_match, helprequest_match_enqueue
from .resident_places import resident_position_apply, resident_where
from .safety import Concern, danger_read, referral_route, text_signals_youth
from .services import helprequest_create, timeline_record


def resident_lookup(raw_phone: str) -> dict:
    """What the intake page shows as soon as a number is typed. Any format is accepted."""
    phone = phone_try_normalise(raw_phone)
    if phone is None:
        return {"valid": False}
    result = {
        "valid": True,
        "phone": phone,
        "display": phone_display(phone),
        "mobile": phone_is_mobile(phone),
        "resident": None,
        "open_referral": False,
        "open_requests": [],
        "history": [],
    }
    resident = Resident.objects.filter(phone=phone, anonymised_at__isnull=True).first()
    if resident is None:
        return result
    result["resident"] = {
        "id": resident.pk,
        "name": resident.name,
        "address": resident.address,
        # The register entry the address was picked as: kept when the address is left as is.
        "place": resident.place_id,
        "district": resident.district_id,
        "language": resident.language,
        "is_70_plus": resident.is_70_plus,
        "lives_alone": resident.lives_alone,
        "chronic_illness": resident.chronic_illness,
        "no_internet": resident.no_internet,
        "consent_current": resident.consent_version == settings.CONSENT_VERSION,
    }
    # Said plainly on the page: whatever is taken now goes to operators only.
    result["open_referral"] = resident.requests.filter(
        sensitive=True, status__in=HelpRequest.OPEN_STATUSES
    ).exists()
    for request in resident.requests.order_by("-created_at")[:15]:
        row = {
            "id": request.pk,
            "code": request.code,
            "kind": str(request.get_kind_display()),
            "status": str(request.get_status_display()),
            # In the reader's words, as every date on the page ("1 december 2026 14:30").
            "created_at": date_format(timezone.localtime(request.created_at), "j F Y H:i"),
        }
        result["open_requests" if request.is_open else "history"].append(row)
    return result


@dataclass
class IntakeResult:
    request: HelpRequest
    created: bool


def intake_submit(
    *,
    token: uuid.UUID,
    phone: str,
    resident_data: dict,
    consent: bool,
    kind: str,
    urgency: int,
    task_text: str = "",
    internal_notes: str = "",
    language: str = "",
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    safe_callback_note: str = "",
    concern: str = "",
    send_summary: bool = True,
    actor: AbstractBaseUser | None = None,
) -> IntakeResult:
    """Create the request for `token` once. A second submit of the same form (a double
    click, a resent POST) gets the first request back: the unique token decides."""
    existing = HelpRequest.objects.filter(intake_token=token).first()
    if existing is not None:
        return IntakeResult(existing, False)
    try:
        with transaction.atomic():
            request = _intake_create(
                token=token,
                phone=phone,
                resident_data=resident_data,
                consent=consent,
                kind=kind,
                urgency=urgency,
                task_text=task_text,
                internal_notes=internal_notes,
                language=language,
                window_start=window_start,
                window_end=window_end,
                safe_callback_note=safe_callback_note,
                concern=concern,
                send_summary=send_summary,
                actor=actor,
            )
    except IntegrityError:
        existing = HelpRequest.objects.filter(intake_token=token).first()
        if existing is None:
            raise
        return IntakeResult(existing, False)
    return IntakeResult(request, True)


def _intake_create(*, token, phone, resident_data, consent, send_summary, actor, **fields):
    resident = resident_save(phone=phone, data=resident_data, consent=consent)
    request = helprequest_create(
        resident=resident,
        kind=fields["kind"],
        task_text=fields["task_text"],
        internal_notes=fields["internal_notes"],
        urgency=fields["urgency"],
        channel=HelpRequest.Channel.PHONE,
        language=fields["language"] or resident.language,
        window_start=fields["window_start"],
        window_end=fields["window_end"],
        safe_callback_note=fields["safe_callback_note"],
        actor=actor,
        intake_token=token,
    )
    if request.kind == HelpRequest.Kind.CALLBACK:
        due = fields["window_start"] or timezone.now() + timedelta(hours=1)
        callback_create(request=request, due_at=due)
    # A referral's summary could tell someone else reading the phone what was asked for, and so
    # could any text to a resident with an open referral (operators_only); nor would "we will
    # text you when a volunteer is on the way" be true for them.
    texted = send_summary and not request.operators_only and resident.phone
    if texted and phone_is_mobile(str(resident.phone)):
        resident_summary_send(request=request, actor=actor)
    if request.sensitive:
        referral_route(
            request=request, concern=_concern_record(request, fields, actor), actor=actor
        )
    if request.kind == HelpRequest.Kind.CALLBACK:
        return request
    if request.operators_only and not request.sensitive:
        # The resident has an open referral: to operators now, with the reason on the board.
        helprequest_match(request=request, actor=actor)
    else:
        helprequest_match_enqueue(request=request)
    return request


def _concern_record(request: HelpRequest, fields: dict, actor) -> Concern | None:
    """What the referral is about: the operator's choice, else what the operator wrote, read
    as a resident's SMS is read; the timeline says which. Unknown, the municipal line takes it
    (safety.referral_choose), so a wrong guess is never made here."""
    chosen = fields["concern"]
    if chosen:
        concern, how = Concern(chosen), True
    else:
        written = "\n".join(
            fields[name] for name in ("task_text", "internal_notes", "safe_callback_note")
        )
        danger = danger_read(written)
        concern = danger.concern if danger else None
        # "Jag är 14" says no danger in words, but the caller is young: the youth line fits,
        # as danger_read itself decides for violence against the young.
        if concern is None and text_signals_youth(written):
            concern = Concern.YOUTH
        how = False
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.NOTE,
        msg="concern" if concern else "concern_unknown",
        args={"concern": str(concern), "chosen": how} if concern else {},
        actor=actor,
        data={"concern": str(concern) if concern else None, "concern_chosen": bool(chosen)},
    )
    return concern


def resident_save(*, phone: str, data: dict, consent: bool) -> Resident:
    """Find the resident by number (E.164) or create them; the operator's edits win. An
    address picked from the register (data["place"]) places them at its door, in its
    district; one typed that the register does not know, at the district's centre, flagged
    approximate (resident_places.resident_position_apply)."""
    resident = Resident.objects.select_for_update().filter(phone=phone).first()
    if resident is None:
        resident = Resident(phone=phone)
    before = resident_where(resident)
    for field in RESIDENT_FIELDS:
        if field in data and (data[field] not in ("", None) or isinstance(data[field], bool)):
            setattr(resident, field, data[field])
    resident_position_apply(resident, place=data.get("place"), before=before)
    if consent and resident.consent_version != settings.CONSENT_VERSION:
        resident.consent_at = timezone.now()
        resident.consent_version = settings.CONSENT_VERSION
    resident.save()
    return resident


def resident_summary_send(*, request: HelpRequest, actor: AbstractBaseUser | None = None):
    """Text the resident what was agreed, in their language."""
    with translation.override(request.language):
        body = _(
            "Samhjälp: we have your request %(code)s (%(kind)s). "
            "We will text you when a volunteer is on the way."
        ) % {"code": request.code, "kind": request.get_kind_display()}
    message = sms_send(
        to=str(request.resident.phone), body=body, about=request, language=request.language
    )
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.SMS_OUT,
        text=body,
        actor=actor,
        data={"message": message.pk, "status": message.status},
    )
    return message
