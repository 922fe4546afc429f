"""With no Redis (the zero-set-up default), a change the worker process makes reaches a board
connected to the daphne process within 2 s: daphne relays the outbox."""

import asyncio
import json
import time

import websockets

WORKER_CHANGE = """
from datetime import timedelta
from django.utils import timezone
from helpdesk.models import Callback
from helpdesk.callbacks import callback_due_task
callback = Callback.objects.filter(done_at__isnull=True, request__status="new").first()
Callback.objects.filter(pk=callback.pk).update(due_at=timezone.now() - timedelta(minutes=1))
callback_due_task.enqueue(callback_id=callback.pk)
print(callback.request_id)
"""


async def board_events_until(uri, headers, request_id, deadline):
    async with websockets.connect(uri, additional_headers=headers, open_timeout=5) as ws:
        snapshot = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert snapshot["type"] == "snapshot" and snapshot["cards"]
        yield None  # connected: let the caller make the change
        while time.monotonic() < deadline:
            message = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
            if message["type"] == "event" and message["card"]["id"] == request_id():
                yield message
                return


def test_a_change_made_by_the_worker_reaches_an_open_board_within_2_s(stack):
    headers = {"Cookie": stack.session_cookie("operator"), "Origin": stack.base}
    uri = f"ws://127.0.0.1:{stack.port}/ws/board/"
    changed = {}

    async def scenario():
        events = board_events_until(uri, headers, lambda: changed["id"], time.monotonic() + 20)
        await events.__anext__()
        started = time.monotonic()
        output = await asyncio.to_thread(stack.shell, WORKER_CHANGE)
        changed["id"] = int(output.strip().splitlines()[-1])
        committed = time.monotonic()
        event = await events.__anext__()
        return event, time.monotonic() - committed, committed - started

    event, latency, _ = asyncio.run(scenario())
    assert event["event"] == "callback_due"
    assert event["card"]["callback_due_at"]
    # From the task's commit: the worker polls every 0.5 s, the relay every 0.5 s.
    assert latency < 2.0, f"{latency:.2f} s"


def test_board_socket_refuses_anonymous_and_foreign_origin(stack):
    uri = f"ws://127.0.0.1:{stack.port}/ws/board/"

    async def attempt(headers):
        try:
            async with websockets.connect(uri, additional_headers=headers, open_timeout=5) as ws:
                await asyncio.wait_for(ws.recv(), 3)
        except (websockets.exceptions.InvalidStatus, websockets.exceptions.ConnectionClosed):
            return False
        return True

    assert not asyncio.run(attempt({"Origin": stack.base}))
    cookie = stack.session_cookie("operator")
    assert not asyncio.run(attempt({"Origin": "https://evil.example", "Cookie": cookie}))
