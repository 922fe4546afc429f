"""Status updates to residents by SMS: done (with a rating invitation) and escalated.

Connected to helprequest_status_changed, so the texts go out in the same transaction as the
change (sms_send sends after commit). "A volunteer is coming" is sent by matching on accept.
"""

from datetime import timedelta

from django.utils import timezone

from notifications.models import Message
from notifications.phones import phone_is_mobile
from notifications.services import sms_send

from . import resident_texts as texts
from .models import Callback, HelpRequest, TimelineEvent
from .services import timeline_record

Status = HelpRequest.Status

UPDATES = {
    Status.DONE: texts.text_done,
    Status.ESCALATED: texts.text_escalated,
}


def resident_update_send(*, request: HelpRequest, body: str) -> None:
    """Text the resident of `request` and put the text on its timeline."""
    phone = str(request.resident.phone or "")
    # Landline callers hear from the support line instead; a referral's phone may be read by
    # the person the resident fears, so nothing about it is ever texted unasked. The same goes
    # for every request of a resident with an open referral (operators_only).
    if not phone or not phone_is_mobile(phone) or request.sensitive or request.operators_only:
        return
    # Unasked texts say who sends them, like matching's "a volunteer is coming".
    body = f"Samhjälp: {body}"
    message = sms_send(to=phone, body=body, about=request, language=request.language)
    timeline_record(
        request=request,
        kind=TimelineEvent.Kind.SMS_OUT,
        text=body,
        actor_label="system",
        data={"message_id": message.pk, "status": message.status},
    )


# "We are looking for a volunteer" (or the intake's "we will text you when a volunteer is on
# the way") and "we are still looking" a moment later contradict each other; when matching
# gives up that fast, the operator who calls says it instead.
QUIET = timedelta(minutes=1)


def _update_reads_true(request: HelpRequest) -> bool:
    if request.status == Status.DONE:
        # "How did it go?" asks about a volunteer: not for a request an operator, a callback or
        # a conversion closed.
        return request.assigned_volunteer_id is not None
    return True


def _just_told(request: HelpRequest) -> bool:
    return Message.objects.filter(
        direction=Message.Direction.OUTBOUND,
        phone=str(request.resident.phone or ""),
        created_at__gte=timezone.now() - QUIET,
    ).exists()


def _call_due(request: HelpRequest) -> bool:
    """Whether an operator's call to this resident is due now, on any open request."""
    return Callback.objects.filter(
        request__resident_id=request.resident_id,
        request__status__in=HelpRequest.OPEN_STATUSES,
        done_at__isnull=True,
        due_at__lte=timezone.now() + QUIET,
    ).exists()


def on_status_changed(sender, *, request: HelpRequest, previous: str, **kwargs) -> None:
    if request.converted_to_id:
        # A callback turned into another request (callbacks.callback_convert): the resident
        # hears about that one, never "done, how did it go?" for the call.
        return
    build = UPDATES.get(request.status)
    if build is None or not _update_reads_true(request):
        return
    if request.status == Status.ESCALATED:
        # "We are still looking" would be wrong and unasked when the resident texted something
        # an operator must hear first (it may signal danger, or they asked for a call), and
        # would contradict what they were told a moment ago.
        if _call_due(request):
            why = "update_not_sent_call_due"
        elif _just_told(request):
            why = "update_not_sent_just_told"
        else:
            why = ""
        if why:
            timeline_record(
                request=request, kind=TimelineEvent.Kind.NOTE, actor_label="system", msg=why
            )
            return
    resident_update_send(request=request, body=build(request))
