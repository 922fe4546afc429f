import asyncio
import time
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


# A layer that does not answer within this many seconds counts as down.
CHANNEL_LAYER_TIMEOUT = 2.0


def _check_channel_layer() -> str:
    """A round trip through the layer: send to a fresh channel and read it back.

    The channel is a plain name, not one of new_channel()'s process-local names: with Redis,
    all process-local channels take turns on one receive lock, which an open board's
    subscription holds for up to five seconds at a time, so the check would wait that long
    whenever a board is open."""
    layer = get_channel_layer()

    async def round_trip() -> str:
        token = uuid.uuid4().hex
        channel = f"healthz.{token}"
        await layer.send(channel, {"type": "healthz", "token": token})
        reply = await asyncio.wait_for(layer.receive(channel), CHANNEL_LAYER_TIMEOUT)
        return "ok" if reply.get("token") == token else "mismatch"

    return async_to_sync(round_trip)()


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: 200 when the database and channel layer answer."""
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("channel_layer", _check_channel_layer)):
        started = time.perf_counter()
        try:
            status = check()
        except Exception as exc:  # any failure is a reason to take this process out of rotation
            status = f"error: {type(exc).__name__}"
        healthy = healthy and status == "ok"
        checks[name] = {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
