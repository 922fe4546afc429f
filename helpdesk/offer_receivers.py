"""An offer SMS that never arrived counts as a decline (notifications reports the status,
the offer lifecycle acts on it)."""

from django.contrib.contenttypes.models import ContentType

from matching.models import Offer
from notifications.models import Message

from .offers import offer_delivery_failed

UNDELIVERED = {Message.Status.FAILED, Message.Status.UNDELIVERED}


def offer_message_status_changed(sender, message: Message, previous: str = "", **kwargs) -> None:
    if message.status not in UNDELIVERED or not message.about_id:
        return
    if message.about_type_id != ContentType.objects.get_for_model(Offer).pk:
        return
    why = " ".join(filter(None, [message.error_code, message.error_message]))
    offer_delivery_failed(offer_id=message.about_id, why=why)
