"""The board socket: snapshot, versioned events, coordinator scoping, gaps and resyncs."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from helpdesk import realtime
from helpdesk.models import BoardEvent, HelpRequest
from helpdesk.realtime import BOARD_GROUP, board_message
from helpdesk.services import helprequest_transition
from matching.models import Offer
from tests.conftest import make_user
from tests.factories import helprequest_make, organisation_make, volunteer_make
from tests.helpdesk.test_consumer import connect

# Sequences reset: a board's version is the outbox's newest id, and a flushed table whose
# sequence ran on would look like a jump of hundreds of versions (and a resync).
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)


@pytest.fixture(autouse=True)
def forget_versions_sent():
    """With sequences reset, versions repeat from test to test, so the process's memory of the
    versions it sent itself (which the relay skips) must start empty too."""
    realtime._sent_here.clear()


async def receive(communicator, timeout=3):
    return await communicator.receive_json_from(timeout=timeout)


def offered_to(organisation, **fields) -> HelpRequest:
    request = helprequest_make(**fields)
    Offer.objects.create(
        request=request,
        volunteer=volunteer_make(organisation=organisation),
        expires_at="2099-01-01T00:00:00Z",
    )
    return request


async def test_snapshot_carries_version_and_events_follow_in_order(operator, settings):
    settings.BOARD_RELAY_INTERVAL = 0
    existing = await database_sync_to_async(helprequest_make)()
    communicator, connected = await connect(operator)
    assert connected
    snapshot = await receive(communicator)
    assert snapshot["seq"] == 1
    assert [c["id"] for c in snapshot["cards"]] == [existing.pk]
    assert (
        snapshot["version"]
        == await database_sync_to_async(lambda: BoardEvent.objects.latest("id").pk)()
    )
    created = await database_sync_to_async(helprequest_make)()
    await database_sync_to_async(helprequest_transition)(request=created, to="matching")
    first, second = await receive(communicator), await receive(communicator)
    assert (first["event"], first["card"]["status"]) == ("created", "new")
    assert (second["event"], second["card"]["status"]) == ("status", "matching")
    assert second["version"] == first["version"] + 1
    assert [first["seq"], second["seq"]] == [2, 3]
    await communicator.disconnect()


async def test_coordinator_gets_only_their_organisations_events(settings):
    settings.BOARD_RELAY_INTERVAL = 0
    user = await database_sync_to_async(make_user)("cora", "coordinator")
    mine = await database_sync_to_async(organisation_make)(coordinators=[user])
    theirs = await database_sync_to_async(organisation_make)()
    communicator, connected = await connect(user)
    assert connected
    assert (await receive(communicator))["cards"] == []

    await database_sync_to_async(offered_to)(theirs, task_text="Någon annans")
    own = await database_sync_to_async(offered_to)(mine, task_text="Vår uppgift")
    # The offer is made after the request; the next change publishes its organisations.
    await database_sync_to_async(helprequest_transition)(request=own, to="matching")
    other = await database_sync_to_async(
        lambda: HelpRequest.objects.get(task_text="Någon annans")
    )()
    await database_sync_to_async(helprequest_transition)(request=other, to="matching")
    event = await receive(communicator)
    assert event["card"]["id"] == own.pk
    assert event["card"]["organisations"] == [mine.pk]
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_a_request_leaving_the_organisation_is_removed(settings):
    settings.BOARD_RELAY_INTERVAL = 0
    user = await database_sync_to_async(make_user)("cora", "coordinator")
    mine = await database_sync_to_async(organisation_make)(coordinators=[user])
    own = await database_sync_to_async(offered_to)(mine)
    communicator, _ = await connect(user)
    assert [c["id"] for c in (await receive(communicator))["cards"]] == [own.pk]
    await database_sync_to_async(lambda: Offer.objects.filter(request=own).delete())()
    await database_sync_to_async(helprequest_transition)(request=own, to="matching")
    event = await receive(communicator)
    assert event == {"type": "event", "event": "removed", "card": {"id": own.pk}, "seq": 2}
    await communicator.disconnect()


async def test_gap_is_filled_from_the_outbox(operator, settings):
    settings.BOARD_RELAY_INTERVAL = 0
    settings.BOARD_GAP_GRACE = 0.1
    communicator, _ = await connect(operator)
    await receive(communicator)
    # Two changes whose events never reach the layer (a lost message), then one that does.
    lost = await database_sync_to_async(helprequest_make)()
    rows = await database_sync_to_async(
        lambda: [
            BoardEvent.objects.create(event="status", card={**r.card, "status": "matching"})
            for r in BoardEvent.objects.filter(request=lost)
        ]
    )()
    first_lost = await receive(communicator)  # the create went out normally
    assert first_lost["card"]["id"] == lost.pk
    delivered = await database_sync_to_async(helprequest_make)()
    event = await receive(communicator)
    assert event["card"]["id"] == delivered.pk
    replayed = await receive(communicator)
    assert replayed["version"] == rows[0].pk
    assert replayed["card"]["status"] == "matching"
    await communicator.disconnect()


async def test_duplicate_and_old_versions_are_dropped(operator, settings):
    settings.BOARD_RELAY_INTERVAL = 0
    communicator, _ = await connect(operator)
    await receive(communicator)
    request = await database_sync_to_async(helprequest_make)()
    event = await receive(communicator)
    row = await database_sync_to_async(BoardEvent.objects.get)(pk=event["version"])
    await get_channel_layer().group_send(BOARD_GROUP, board_message(row))
    assert await communicator.receive_nothing(timeout=0.3)
    assert request.pk == event["card"]["id"]
    await communicator.disconnect()


async def test_client_resync_gets_a_new_snapshot(operator, settings):
    settings.BOARD_RELAY_INTERVAL = 0
    communicator, _ = await connect(operator)
    await receive(communicator)
    await database_sync_to_async(helprequest_make)()
    await receive(communicator)
    await communicator.send_json_to({"type": "resync"})
    snapshot = await receive(communicator)
    assert snapshot["type"] == "snapshot" and len(snapshot["cards"]) == 1
    assert snapshot["seq"] == 3
    await communicator.disconnect()


async def test_relay_forwards_changes_made_by_another_process(operator, settings):
    """Rows another process committed reach this process's sockets through the relay."""
    from channels.layers import channel_layers

    settings.BOARD_RELAY_INTERVAL = 0.1
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    try:
        await relay_check(operator)
    finally:
        channel_layers.backends.clear()


async def relay_check(operator):
    communicator, _ = await connect(operator)
    await receive(communicator)
    # Wait (bounded) until the relay has read the current version; only later rows are new.
    for _ in range(100):
        if realtime._relay is not None and realtime._relay.version is not None:
            break
        await asyncio.sleep(0.05)
    assert realtime._relay.version is not None, "the relay never started"
    request = await database_sync_to_async(helprequest_make)()
    # What the worker writes: an outbox row this process never sent itself.
    row = await database_sync_to_async(BoardEvent.objects.create)(
        event="status", request=request, card={**(await receive(communicator))["card"]}
    )
    event = await receive(communicator, timeout=5)
    assert event["version"] == row.pk
    await communicator.disconnect()
