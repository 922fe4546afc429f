from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from config.roles import ADMIN, COORDINATOR, OPERATOR, has_role

from .board import board_organisation_ids, board_snapshot
from .realtime import BOARD_GROUP, organisation_group


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """The live board. Async because it mostly forwards events; the snapshot is one ORM call."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()
            return
        allowed = await database_sync_to_async(has_role)(user, OPERATOR, COORDINATOR, ADMIN)
        if not allowed:
            await self.close()
            return
        organisation_ids = await database_sync_to_async(board_organisation_ids)(user)
        self.groups_joined = (
            [BOARD_GROUP]
            if organisation_ids is None
            else [organisation_group(pk) for pk in organisation_ids]
        )
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_snapshot()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def send_snapshot(self) -> None:
        cards = await database_sync_to_async(board_snapshot)(self.scope["user"])
        await self.send_json({"type": "snapshot", "cards": cards})

    async def receive_json(self, content: dict, **kwargs) -> None:
        if content.get("type") == "resync":
            await self.send_snapshot()

    async def board_event(self, message: dict) -> None:
        await self.send_json({"type": "event", "event": message["event"], "card": message["card"]})
