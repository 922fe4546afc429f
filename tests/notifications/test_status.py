"""POST /sms/status/<id>/: by rank, never backwards, in any order."""

import itertools

import pytest

from notifications.models import Message
from notifications.services import message_claim, message_status_apply, sms_send
from notifications.signals import message_status_changed
from tests.factories import mobile

from .conftest import sid, signed_post


def status_post(client, message_id, status, message_sid, error_code=""):
    params = {"MessageSid": message_sid, "MessageStatus": status, "AccountSid": "AC1"}
    if error_code:
        params["ErrorCode"] = error_code
    return signed_post(client, f"/sms/status/{message_id}/", params)


def sending_message() -> Message:
    message = sms_send(to=mobile(), body="Hej")
    return message_claim(message_id=message.pk)


@pytest.fixture
def changes():
    seen: list[tuple[str, str]] = []

    def receiver(sender, message, previous, **kwargs):
        seen.append((previous, message.status))

    message_status_changed.connect(receiver)
    yield seen
    message_status_changed.disconnect(receiver)


SEND_RESPONSE = "send-response"


def apply(client, message, event, message_sid):
    """One report: the send's own response or a callback, whichever comes when."""
    if event == SEND_RESPONSE:
        message_status_apply(message_id=message.pk, status="sent", provider_id=message_sid)
    else:
        status, _, code = event.partition(":")
        assert status_post(client, message.pk, status, message_sid, code).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "order", list(itertools.permutations([SEND_RESPONSE, "queued", "sent", "delivered"]))
)
def test_every_order_ends_delivered(client, order, changes):
    message = sending_message()
    message_sid = sid()
    for event in order:
        apply(client, message, event, message_sid)
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.provider_id == message_sid
    assert message.sent_at is not None
    # Forward moves only, each reported once.
    ranks = [Message.STATUS_RANK[after] for _before, after in changes]
    assert ranks == sorted(set(ranks)) and changes[-1][1] == "delivered"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "order", list(itertools.permutations([SEND_RESPONSE, "sent", "undelivered:30003"]))
)
def test_every_order_ends_undelivered_with_its_error(client, order, changes):
    message = sending_message()
    message_sid = sid()
    for event in order * 2:  # and every report twice
        apply(client, message, event, message_sid)
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("undelivered", "30003")
    assert [after for _b, after in changes][-1] == "undelivered"
    assert len([1 for _b, after in changes if after == "undelivered"]) == 1


@pytest.mark.django_db
def test_unknown_id_and_unknown_status_answer_200(client):
    assert status_post(client, 987654, "delivered", sid()).status_code == 200
    assert status_post(client, 10**30, "delivered", sid()).status_code == 200
    message = sending_message()
    assert status_post(client, message.pk, "teleported", sid()).status_code == 200
    message.refresh_from_db()
    assert message.status == "sending"


@pytest.mark.django_db
def test_a_status_callback_cannot_touch_an_inbound_message(client):
    inbound = Message.objects.create(direction="in", phone=mobile(), status="received")
    assert status_post(client, inbound.pk, "failed", sid()).status_code == 200
    inbound.refresh_from_db()
    assert inbound.status == "received"


@pytest.mark.django_db
def test_status_callback_needs_a_signature(client):
    message = sending_message()
    response = client.post(f"/sms/status/{message.pk}/", {"MessageStatus": "delivered"})
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == "sending"


@pytest.mark.django_db
def test_21610_in_a_callback_opts_the_number_out(client):
    from notifications.models import OptOut

    message = sending_message()
    status_post(client, message.pk, "failed", sid(), "21610")
    assert OptOut.objects.get(phone=message.phone).opted_out
