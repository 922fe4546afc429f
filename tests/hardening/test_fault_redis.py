"""Redis restarted under a running daphne with a board open: web requests keep working, the
board stays connected or comes back, and changes made during and after the outage reach it.

The Redis is private and keeps nothing on disk, so the restart loses every group membership
and queued message, as a crashed Redis would. The client below follows the board protocol the
way static/helpdesk/board.js does: a snapshot on every connection, a resync on a skipped
`seq`, a reconnect with growing pauses when the socket closes.
"""

import asyncio
import contextlib
import json
import time

import pytest
import websockets

from .procs import http_get, wait_until

pytestmark = pytest.mark.redis

SETUP = """
from django.contrib.auth.models import Group, User
from django.test import Client
user = User.objects.create_user(username="olivia", password="samhjalp-demo")
user.groups.add(Group.objects.get_or_create(name="operator")[0])
client = Client()
client.force_login(user)
result = client.cookies["sessionid"].value
"""

# A request created as an operator's intake form creates it, in a process of its own (the
# worker's situation: its board event can only reach daphne through Redis).
CREATE = """
from tests.factories import district_make, helprequest_make, resident_make
resident = resident_make(phone=None, district=district_make(code="fault-{tag}", name="{tag}"))
result = helprequest_make(resident=resident, task_text="{tag}").pk
"""


class Board:
    """An operator's board as the browser keeps it: cards by id, rebuilt from snapshots."""

    def __init__(self, uri: str, headers: dict) -> None:
        self.uri = uri
        self.headers = headers
        self.cards: dict[int, dict] = {}
        self.connections = 0
        self.snapshots = 0
        self.resyncs = 0
        self.changed = asyncio.Event()

    async def run(self) -> None:
        attempt = 0
        while True:
            try:
                async with websockets.connect(
                    self.uri, additional_headers=self.headers, open_timeout=3
                ) as ws:
                    self.connections += 1
                    attempt = 0
                    await self.follow(ws)
            except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
                pass
            attempt += 1
            await asyncio.sleep(min(2.0, 0.25 * 2 ** (attempt - 1)))

    async def follow(self, ws) -> None:
        seq = 0
        async for raw in ws:
            data = json.loads(raw)
            if data["seq"] != seq + 1 and data["type"] != "snapshot":
                seq = data["seq"]
                self.resyncs += 1
                await ws.send(json.dumps({"type": "resync"}))
                continue
            seq = data["seq"]
            if data["type"] == "snapshot":
                self.snapshots += 1
                self.cards = {card["id"]: card for card in data["cards"]}
            elif data.get("event") == "removed":
                self.cards.pop(data["card"]["id"], None)
            else:
                self.cards[data["card"]["id"]] = data["card"]
            self.changed.set()

    async def shows(self, card_id: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while card_id not in self.cards:
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)
        return True


def timed_get(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    status = http_get(port, path, timeout=10)[0]
    return status, round(time.monotonic() - started, 2)


def test_boards_and_web_survive_a_redis_restart(make_stack, private_redis):
    stack = make_stack(redis_url=private_redis.url)
    cookie = stack.script(SETUP)
    web = stack.daphne()
    base = f"http://127.0.0.1:{stack.port}"
    headers = {"Cookie": f"sessionid={cookie}", "Origin": base}
    board = Board(f"ws://127.0.0.1:{stack.port}/ws/board/", headers)

    def create(tag: str) -> int:
        return stack.script(CREATE.format(tag=tag))

    async def scenario() -> dict:
        follower = asyncio.create_task(board.run())
        try:
            started = time.monotonic()
            while not board.snapshots and time.monotonic() - started < 5:
                await asyncio.sleep(0.05)
            assert board.snapshots == 1, stack.logs()
            before = await asyncio.to_thread(create, "before")
            assert await board.shows(before, 5), stack.logs()
            # A load balancer's check must answer promptly while boards are open.
            health_open = [await asyncio.to_thread(timed_get, stack.port, "/healthz")]

            await asyncio.to_thread(private_redis.stop)
            outage = time.monotonic()
            login = [(await asyncio.to_thread(http_get, stack.port, "/login/"))[0]]
            health = await asyncio.to_thread(http_get, stack.port, "/healthz")
            # Made while Redis is down: committed, but its event cannot be sent.
            during = await asyncio.to_thread(create, "during")
            login.append((await asyncio.to_thread(http_get, stack.port, "/login/"))[0])

            await asyncio.to_thread(private_redis.start)
            back = await asyncio.to_thread(
                wait_until, lambda: http_get(stack.port, "/healthz")[0] == 200, 10
            )
            restored = time.monotonic()
            login.append((await asyncio.to_thread(http_get, stack.port, "/login/"))[0])
            health_open += [await asyncio.to_thread(timed_get, stack.port, "/healthz")]
            # Nothing else happens on the board: the change made during the outage must still
            # arrive, without waiting for another one to reveal the gap.
            during_shown = await board.shows(during, 8)
            during_at = time.monotonic()
            after = await asyncio.to_thread(create, "after")
            after_shown = await board.shows(after, 8)
            return {
                "login": login,
                "health_open": health_open,
                "health_down": health[0],
                "healthy_again": back,
                "during_shown": during_shown,
                "during_latency": during_at - restored,
                "after_shown": after_shown,
                "outage": restored - outage,
            }
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower

    result = asyncio.run(asyncio.wait_for(scenario(), 40))
    print(result, f"connections={board.connections} resyncs={board.resyncs}")
    assert result["login"] == [200, 200, 200], result
    assert result["health_down"] == 503, result
    assert all(code == 200 and took < 1.5 for code, took in result["health_open"]), result
    assert result["healthy_again"], stack.logs()
    assert result["during_shown"], (result, stack.logs())
    # The outage did not close the board's socket: the change came from the outbox.
    assert board.connections == 1, (result, stack.logs())
    assert result["after_shown"], (result, stack.logs())
    assert web.alive(), stack.logs()
