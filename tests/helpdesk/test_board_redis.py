"""Two channel-layer instances on one Redis stand for two daphne processes: a board event
sent through one reaches a board socket joined through the other."""

import asyncio
import json
import os
import uuid

import pytest
from channels.db import database_sync_to_async
from channels_redis.core import RedisChannelLayer

from helpdesk.models import BoardEvent
from helpdesk.realtime import BOARD_GROUP, board_message
from tests.factories import helprequest_make

# Ids from 1, as in the other board socket tests: a version gap wider than MAX_REPLAY after
# earlier tests would bring a fresh snapshot instead of the event.
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, reset_sequences=True)]


def layer(prefix: str) -> RedisChannelLayer:
    return RedisChannelLayer(hosts=[os.environ["REDIS_URL"]], prefix=prefix)


async def test_event_crosses_between_two_layer_instances():
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    web_a, web_b = layer(prefix), layer(prefix)
    channel = await web_b.new_channel()
    await web_b.group_add(BOARD_GROUP, channel)
    request = await database_sync_to_async(helprequest_make)()
    row = await database_sync_to_async(BoardEvent.objects.get)(request=request)
    await web_a.group_send(BOARD_GROUP, board_message(row))
    received = await web_b.receive(channel)
    assert received["version"] == row.pk
    assert json.loads(received["payload"])["card"]["code"] == request.code
    await web_b.group_discard(BOARD_GROUP, channel)
    await web_a.flush()
    await web_b.flush()


async def test_socket_on_one_process_gets_a_change_published_through_another(operator, settings):
    from tests.helpdesk.test_consumer import connect

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": "test-cross"},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        communicator, connected = await connect(operator)
        assert connected
        await communicator.receive_json_from(timeout=3)
        request = await database_sync_to_async(helprequest_make)()
        row = await database_sync_to_async(BoardEvent.objects.get)(request=request)
        # Not the layer the socket's process uses: a second instance, as in another daphne.
        await layer("test-cross").group_send(BOARD_GROUP, board_message(row))
        event = await communicator.receive_json_from(timeout=3)
        assert event["version"] == row.pk
        await communicator.disconnect()
    finally:
        channel_layers.backends.clear()


def test_a_plain_process_publishes_through_one_long_lived_loop(settings):
    """The task worker publishes from its main thread: every event goes through the same
    publisher loop (and so the same Redis connection), and reaches a board's process."""
    from asgiref.sync import async_to_sync
    from channels.layers import channel_layers

    from helpdesk import realtime

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": prefix},
        }
    }
    channel_layers.backends.clear()
    board = layer(prefix)
    try:

        async def join() -> str:
            channel = await board.new_channel()
            await board.group_add(BOARD_GROUP, channel)
            return channel

        channel = async_to_sync(join)()
        first = helprequest_make()
        loop = realtime._publisher_loop
        second = helprequest_make()
        assert loop is not None and loop.is_running()
        assert realtime._publisher_loop is loop

        async def codes_received() -> set[str]:
            codes = set()
            for _ in range(10):
                message = await asyncio.wait_for(board.receive(channel), timeout=3)
                codes.add(json.loads(message["payload"])["card"]["code"])
                if {first.code, second.code} <= codes:
                    break
            return codes

        assert {first.code, second.code} <= async_to_sync(codes_received)()
    finally:
        async_to_sync(board.flush)()
        channel_layers.backends.clear()
