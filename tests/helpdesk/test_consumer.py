import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from helpdesk.services import helprequest_create
from tests.factories import resident_make

# Sequences reset: a board's version is the outbox's newest id, and a flushed table whose
# sequence ran on would look like a jump of hundreds of versions (and a resync).
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


async def connect(user=None, origin=ORIGIN) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(application, "/ws/board/", headers=[origin])
    if user is not None:
        # AuthMiddlewareStack reads the session cookie; log in through a session.
        from django.test import Client

        client = Client()
        await database_sync_to_async(client.force_login)(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
        communicator = WebsocketCommunicator(
            application, "/ws/board/", headers=[origin, (b"cookie", cookie)]
        )
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_anonymous_socket_is_refused():
    communicator, connected = await connect()
    assert not connected


async def test_foreign_origin_is_refused(operator):
    communicator, connected = await connect(operator, origin=(b"origin", b"https://evil.example"))
    assert not connected


async def test_operator_gets_a_snapshot_then_events(operator):
    communicator, connected = await connect(operator)
    assert connected
    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot"

    resident = await database_sync_to_async(resident_make)()
    request = await database_sync_to_async(helprequest_create)(resident=resident, kind="groceries")
    event = await communicator.receive_json_from(timeout=5)
    assert event["type"] == "event"
    assert event["card"]["code"] == request.code
    await communicator.disconnect()


async def test_board_sockets_wait_on_the_layer_only_through_their_hub(operator):
    """No channel per socket: with Redis, each would be one more receive whose read timeout
    closed its board (the fan-out benchmark lost a board of 200 that way)."""
    from channels.layers import get_channel_layer

    boards = [await connect(operator) for _ in range(3)]
    for communicator, connected in boards:
        assert connected
        assert (await communicator.receive_json_from(timeout=5))["type"] == "snapshot"
    layer = get_channel_layer()
    assert len(layer.channels) <= 1  # the process's hub, at most
    for communicator, _ in boards:
        await communicator.disconnect()
