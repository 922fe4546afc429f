"""What matching does when the SMS side reports something: an offer SMS that never arrived
counts as a decline; STOP and START mirror onto the volunteer's opted_out flag."""

from django.contrib.contenttypes.models import ContentType

from notifications.models import Message
from notifications.phones import phone_try_normalise

from .models import Offer, Volunteer

UNDELIVERED = {Message.Status.FAILED, Message.Status.UNDELIVERED}


def offer_message_status_changed(sender, message: Message, previous: str = "", **kwargs) -> None:
    if message.status not in UNDELIVERED or not message.about_id:
        return
    if message.about_type_id != ContentType.objects.get_for_model(Offer).pk:
        return
    from .services import offer_delivery_failed

    why = " ".join(filter(None, [message.error_code, message.error_message]))
    offer_delivery_failed(offer_id=message.about_id, why=why)


def volunteer_opt_out_changed(sender, phone: str, opted_out: bool, **kwargs) -> None:
    normalised = phone_try_normalise(str(phone))
    if normalised:
        Volunteer.objects.filter(phone=normalised).update(opted_out=opted_out)
