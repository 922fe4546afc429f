import itertools

import pytest

from notifications.inbound import inbound_dispatch
from notifications.models import Message

_ids = itertools.count(1)


def sms_receive(phone: str, body: str) -> tuple[Message, str | None]:
    """What the SMS gateway does with an inbound text: store it (without NUL, which PostgreSQL
    refuses), then dispatch it."""
    message = Message.objects.create(
        direction=Message.Direction.INBOUND,
        phone=phone,
        body=body.replace("\x00", ""),
        status=Message.Status.RECEIVED,
        provider_id=f"SMtest{next(_ids):08d}",
    )
    return message, inbound_dispatch(message)


@pytest.fixture
def sms_in(db):
    def receive(phone: str, body: str) -> str | None:
        return sms_receive(phone, body)[1]

    return receive
