"""The live board socket.

Protocol (server to browser): {"type": "snapshot", "seq", "version", "cards"} on connect and
on request, then {"type": "event", "seq", "version", "event", "card"} or
{"type": "event", "seq", "event": "removed", "card": {"id"}}. `seq` counts messages on this
socket; a browser that sees one skipped sends {"type": "resync"} and gets a new snapshot.

Server side, every socket follows the global outbox version: a version that jumps means events
were lost or are still committing, so the missing ones are read back from the outbox.
"""

import asyncio
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from config.metrics import BOARD_SOCKETS
from config.roles import ADMIN, COORDINATOR, OPERATOR, has_role

from .access import Viewer, card_for, viewer_of
from .board import board_state
from .realtime import (
    MISSING_TTL,
    BoardEventKind,
    board_events_since,
    board_hub,
    board_message,
    board_relay_ensure,
)

# More missing versions than this and a fresh snapshot is cheaper than replaying them.
MAX_REPLAY = 500


def board_access(user) -> Viewer | None:
    """One trip to the database thread pool at connect: many boards reconnect at once after
    a restart, and each trip waits its turn. None for a user who has no board."""
    if not has_role(user, OPERATOR, COORDINATOR, ADMIN):
        return None
    return viewer_of(user)


# Not a configured channel layer: channels then gives a board socket no channel of its own.
NO_CHANNEL_LAYER = ""


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """Async because it mostly forwards events; the snapshot is one ORM call.

    Events reach a board through its process's hub (realtime.BoardHub), so the socket needs no
    channel of its own. With one, channels keeps a receive waiting on the layer for every
    socket, and over Redis a read timeout in any of them ended that board with a server error
    (1011), as the board fan-out benchmark showed.
    """

    channel_layer_alias = NO_CHANNEL_LAYER

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()
            return
        self.viewer = await database_sync_to_async(board_access)(user)
        if self.viewer is None:
            await self.close()
            return
        self.organisation_ids = self.viewer.organisation_ids
        self.seq = 0
        self.version = 0
        self.missing: dict[int, float] = {}
        self.visible: set[int] = set()
        self.gap_task: asyncio.Task | None = None
        # Events that arrive while a snapshot is being read wait for it (see send_snapshot).
        self.held: list[dict] | None = None
        await self.accept()
        BOARD_SOCKETS.inc()
        self.counted = True
        # Every socket follows the whole stream, through the process's hub, so it can see
        # gaps; a coordinator's socket forwards only its organisations' events (filtered
        # here, never in the browser).
        board_hub().join(self)
        board_relay_ensure()
        await self.send_snapshot()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            BOARD_SOCKETS.dec()
            self.counted = False
        board_hub().leave(self)
        if getattr(self, "gap_task", None):
            self.gap_task.cancel()

    async def send_counted(self, content: dict) -> None:
        self.seq += 1
        await self.send_json({**content, "seq": self.seq})

    async def send_snapshot(self) -> None:
        """Send the board as it is now. Events arriving meanwhile are held: sent before the
        snapshot they would be overwritten by it; those newer than it follow it."""
        self.held = []
        try:
            state = await database_sync_to_async(board_state)(self.scope["user"])
        except Exception:
            self.held = None
            raise
        held, self.held = self.held, None
        self.version = max(self.version, state["version"])
        self.missing = {v: t for v, t in self.missing.items() if v > state["version"]}
        self.visible = {card["id"] for card in state["cards"]}
        await self.send_counted({"type": "snapshot", **state})
        for message in held:
            await self.board_event(message)

    async def receive_json(self, content: dict, **kwargs) -> None:
        if content.get("type") == "resync":
            await self.send_snapshot()

    async def board_event(self, message: dict) -> None:
        if self.held is not None:
            self.held.append(message)
            return
        version = message["version"]
        if version in self.missing:
            del self.missing[version]
        elif version <= self.version:
            return  # already in the snapshot, or a second copy (relay and direct send)
        elif version > self.version + 1:
            if version - self.version > MAX_REPLAY:
                self.version = version
                await self.send_snapshot()
                return
            now = time.monotonic()
            self.missing.update(dict.fromkeys(range(self.version + 1, version), now))
            self.gap_schedule()
        self.version = max(self.version, version)
        await self.forward(message)

    async def forward(self, message: dict) -> None:
        card_id = message["card_id"]
        mine = self.organisation_ids
        if self.viewer.is_operator:
            # Operators get the event as serialised once for every socket.
            self.seq += 1
            await self.send(text_data=f'{{"seq":{self.seq},{message["payload"][1:]}')
            return
        if mine is None:
            # Analysts see every request, and of each what helpdesk.access lets them read.
            event = json.loads(message["payload"])
            event["card"] = card_for(event["card"], self.viewer)
            await self.send_counted(event)
            return
        if not set(message["organisation_ids"]) & mine:
            if card_id in self.visible:
                # It left this organisation's hands: take it off their board, say nothing more.
                self.visible.discard(card_id)
                await self.send_counted(
                    {"type": "event", "event": BoardEventKind.REMOVED, "card": {"id": card_id}}
                )
            return
        self.visible.add(card_id)
        event = json.loads(message["payload"])
        event["card"] = card_for(event["card"], self.viewer)
        await self.send_counted(event)

    def gap_schedule(self) -> None:
        if self.gap_task is None or self.gap_task.done():
            self.gap_task = asyncio.get_running_loop().create_task(self.gap_fill())

    async def gap_fill(self) -> None:
        """Give a missing version a moment to arrive (it may still be committing), then read
        it from the outbox. Ids that never appear were rolled back and are forgotten."""
        grace = getattr(settings, "BOARD_GAP_GRACE", 0.5)
        while self.missing:
            await asyncio.sleep(grace)
            now = time.monotonic()
            due = [v for v, t in self.missing.items() if now - t >= grace]
            if due:
                rows = await database_sync_to_async(board_events_since)(
                    self.version, also=due, limit=MAX_REPLAY
                )
                for row in rows:
                    if row.pk in self.missing:
                        del self.missing[row.pk]
                        await self.forward(board_message(row))
            self.missing = {v: t for v, t in self.missing.items() if now - t < MISSING_TTL}
            if all(now - t >= grace for t in self.missing.values()):
                # Only rolled-back (or very slow) ids left: keep them for a late arrival,
                # stop polling for them.
                return
