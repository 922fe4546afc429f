"""The process's board hub when its channel layer fails: boards still get changes, from the
outbox, and the hub joins the group again as soon as the layer answers."""

import asyncio
import contextlib

import pytest
from channels.db import database_sync_to_async

from helpdesk.models import BoardEvent
from helpdesk.realtime import BoardHub, board_version

pytestmark = pytest.mark.django_db(transaction=True)


class Socket:
    def __init__(self) -> None:
        self.versions: list[int] = []

    async def board_event(self, message: dict) -> None:
        self.versions.append(message["version"])


class FailingLayer:
    """A layer that refuses `failures` joins, then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures, self.joins = failures, 0

    async def group_add(self, group: str, channel: str) -> None:
        self.joins += 1
        if self.joins <= self.failures:
            raise ConnectionError("layer down")


async def run_for(hub: BoardHub, layer, seconds: float) -> None:
    task = asyncio.get_running_loop().create_task(hub.keep_joined(layer, "hub-channel"))
    await asyncio.sleep(seconds)
    await stop(task)


async def stop(task: asyncio.Task) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@database_sync_to_async
def event_make() -> int:
    return BoardEvent.objects.create(event="changed", card={"id": 1}).pk


async def test_while_the_layer_is_down_boards_get_changes_from_the_outbox(monkeypatch):
    monkeypatch.setattr(BoardHub, "RETRY_EVERY", 0.05)
    monkeypatch.setattr(BoardHub, "REJOIN_EVERY", 30.0)
    hub, socket = BoardHub(), Socket()
    hub.sockets.add(socket)
    hub.version = await database_sync_to_async(board_version)()
    layer = FailingLayer(failures=1000)
    first = await event_make()
    await run_for(hub, layer, 0.3)
    second = await event_make()  # committed while the layer is still down
    await run_for(hub, layer, 0.3)
    assert socket.versions == [first, second]
    assert layer.joins >= 3  # tried again every RETRY_EVERY, not every REJOIN_EVERY


async def test_the_hub_joins_again_soon_after_the_layer_answers(monkeypatch):
    monkeypatch.setattr(BoardHub, "RETRY_EVERY", 0.05)
    monkeypatch.setattr(BoardHub, "REJOIN_EVERY", 30.0)
    hub = BoardHub()
    hub.version = await database_sync_to_async(board_version)()
    layer = FailingLayer(failures=2)
    await run_for(hub, layer, 0.6)
    # Two refused, the third joined; then the hub waits REJOIN_EVERY before the next.
    assert layer.joins == 3


async def test_a_failed_receive_wakes_the_hub_at_once(monkeypatch):
    monkeypatch.setattr(BoardHub, "REJOIN_EVERY", 30.0)
    hub = BoardHub()
    hub.version = await database_sync_to_async(board_version)()
    layer = FailingLayer(failures=0)
    task = asyncio.get_running_loop().create_task(hub.keep_joined(layer, "hub-channel"))
    await asyncio.sleep(0.3)
    assert layer.joins == 1
    hub.layer_failed.set()  # what run() does when the layer's receive fails
    await asyncio.sleep(0.3)
    await stop(task)
    assert layer.joins == 2
