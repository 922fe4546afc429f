"""What an operator does from a request's page. Each action is recorded in the timeline and
published to the boards; matching's own services do the offering and assigning."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from matching import services as matching
from notifications.services import sms_send

from .models import HelpRequest, TimelineEvent
from .realtime import board_publish
from .services import helprequest_transition, timeline_record


@transaction.atomic
def helprequest_note(
    *, request: HelpRequest, text: str, actor: AbstractBaseUser, token: str = ""
) -> None:
    """`token` comes from the form, so a resent form is recognised (see views)."""
    timeline_record(
        request=request, kind=TimelineEvent.Kind.NOTE, text=text, actor=actor, data={"token": token}
    )
    board_publish(request=request, event="timeline")


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
    board_publish(request=request, event="timeline")
    return message


@transaction.atomic
def helprequest_cancel(*, request: HelpRequest, actor: AbstractBaseUser, reason: str = "") -> None:
    if request.status != HelpRequest.Status.NEW:
        matching.offers_withdraw(request=request, actor=actor, reason=reason)
    helprequest_transition(
        request=request, to=HelpRequest.Status.CANCELLED, actor=actor, text=reason
    )


@transaction.atomic
def helprequest_mark_done(*, request: HelpRequest, actor: AbstractBaseUser) -> None:
    matching.helprequest_done(request=request, actor=actor)


def helprequest_rematch(*, request: HelpRequest, actor: AbstractBaseUser) -> None:
    with transaction.atomic():
        timeline_record(
            request=request, kind=TimelineEvent.Kind.NOTE, text=_("Matching re-run"), actor=actor
        )
        matching.helprequest_match_enqueue(request=request)
        board_publish(request=request, event="timeline")
