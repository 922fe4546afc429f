"""Status updates to residents by SMS: done (with a rating invitation) and escalated.

Connected to helprequest_status_changed, so the texts go out in the same transaction as the
change (sms_send sends after commit). "A volunteer is coming" is sent by matching on accept.
"""

from notifications.phones import phone_is_mobile
from notifications.services import sms_send

from . import resident_texts as texts
from .models import HelpRequest, TimelineEvent
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
    # the person the resident fears, so nothing about it is ever texted unasked.
    if not phone or not phone_is_mobile(phone) or request.sensitive:
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


def on_status_changed(sender, *, request: HelpRequest, previous: str, **kwargs) -> None:
    build = UPDATES.get(request.status)
    if build is None:
        return
    resident_update_send(request=request, body=build(request))
