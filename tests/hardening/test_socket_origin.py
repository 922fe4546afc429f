"""The board socket accepts only pages of our own hosts: a logged-in operator's cookie is not
enough from another origin, a look-alike host, an opaque origin or none at all."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(user, origin: bytes | None) -> bool:
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    headers = [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, "/ws/board/", headers=headers)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    "origin",
    [
        None,
        b"null",
        b"https://evil.example",
        b"http://127.0.0.1.evil.example",
        b"http://evil.example:8000",
        b"http://localhost.evil.example",
        b"file://",
    ],
)
async def test_foreign_origins_are_refused(operator, origin):
    assert not await connect(operator, origin)


async def test_our_own_origin_is_accepted(operator):
    assert await connect(operator, b"http://127.0.0.1:8000")
