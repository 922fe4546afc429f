"""Board events. Services call board_publish() inside their transaction: it writes a row to the
BoardEvent outbox (whose id is the event's version) and sends the event to the channel layer
only after commit, so no board ever shows a change that rolled back.

With Redis the layer reaches every daphne process. With the in-memory layer it reaches only
the process that made the change, so the web process also runs a relay that polls the outbox
and forwards what other processes (the worker) committed.
"""

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections import OrderedDict
from datetime import timedelta
from enum import StrEnum

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from .models import BoardEvent, Callback, HelpRequest

log = logging.getLogger(__name__)


class BoardEventKind(StrEnum):
    """What a board hears changed about a request. Every publish names one of these; a
    test drives each through its service to an operator's and a coordinator's board."""

    CREATED = "created"  # a new request
    STATUS = "status"  # its status moved
    OFFERS = "offers"  # offers went out, were answered, expired, failed or were withdrawn
    TIMELINE = "timeline"  # an operator's note or SMS to the resident
    DETAILS = "details"  # the request's or the resident's details changed
    SMS_IN = "sms_in"  # the resident texted about it
    COMPLAINT = "complaint"  # the resident's feedback needs an operator
    CALLBACK = "callback"  # a callback was asked for, claimed, moved or done
    CALLBACK_DUE = "callback_due"  # a callback fell due
    ROUTED = "routed"  # a referral was routed to a shelter or helpline
    # Never published: a coordinator's socket sends it when a card leaves their scope.
    REMOVED = "removed"


BOARD_GROUP = "board"
# How long the relay remembers an id it has not seen yet (a transaction still open, or rolled
# back), so a late commit is still forwarded.
MISSING_TTL = 30.0


def organisation_group(organisation_id: int) -> str:
    return f"board.org.{organisation_id}"


def request_organisation_ids(request: HelpRequest) -> list[int]:
    """Organisations whose coordinators see `request`: the assigned volunteer's, those of
    every volunteer it was offered to, and the one a referral is routed to (the same rule as
    board.organisations_scope)."""
    ids = {request.routed_to_id} if request.routed_to_id else set()
    if request.operators_only:
        return sorted(ids)
    if request.assigned_volunteer_id:
        ids.add(request.assigned_volunteer.organisation_id)
    if request.pk:
        # One query, however many offers (a wave is three, a long search many more).
        ids.update(request.offers.values_list("volunteer__organisation_id", flat=True))
    return sorted(ids)


def board_position(request: HelpRequest) -> list[float]:
    """Where a card sits on the operators' board map: the resident's position, a door or
    (approximate) their district's centre; [] for none. A sensitive request stays at its
    district. Coordinators never get it (helpdesk.access.CARD_FIELDS): their map places every
    card at its district's centre."""
    resident = request.resident
    if request.sensitive or resident.lat is None or resident.lon is None:
        return []
    return [round(resident.lat, 5), round(resident.lon, 5)]


def board_card(request: HelpRequest) -> dict:
    """What a board shows of a request. No personal data beyond the district."""
    try:
        callback_due = request.callback.due_at if request.pk else None
        callback_done = request.callback.done_at is not None if request.pk else False
    except Callback.DoesNotExist:
        callback_due, callback_done = None, False
    return {
        "id": request.pk,
        "code": request.code,
        "kind": request.kind,
        "kind_label": str(request.get_kind_display()),
        "status": request.status,
        "status_label": str(request.get_status_display()),
        "urgency": request.urgency,
        "urgency_label": str(request.get_urgency_display()),
        "priority": request.priority,
        "district": request.district.name if request.district_id else "",
        "district_id": request.district_id,
        # The map's point, and whether it is a district's centre rather than a door.
        "position": board_position(request),
        "approximate": bool(request.resident.position_approximate),
        "language": request.language,
        "sensitive": request.sensitive,
        # What volunteers are told anyway; never the internal notes.
        "task": "" if request.sensitive else request.task_text[:80],
        "organisations": request_organisation_ids(request),
        "callback_due_at": callback_due.isoformat() if callback_due and not callback_done else None,
        "created_at": request.created_at.isoformat(),
        "updated_at": request.updated_at.isoformat() if request.updated_at else None,
    }


def board_message(row: BoardEvent) -> dict:
    """The channel-layer message for an outbox row. What browsers get is serialised here,
    once: the layer copies a message for every socket, and a string copies for free."""
    at = row.at.timestamp()
    payload = {"type": "event", "version": row.pk, "at": at, "event": row.event, "card": row.card}
    return {
        "type": "board.event",
        "version": row.pk,
        # When the change was written; lets a board (and the benchmark) see how late it is.
        "at": at,
        "card_id": row.card.get("id"),
        "organisation_ids": row.organisation_ids,
        "payload": json.dumps(payload, separators=(",", ":")),
    }


# Versions this process has sent itself, so its relay does not send them twice.
_sent_here: OrderedDict[int, None] = OrderedDict()


def _remember_sent(version: int) -> None:
    _sent_here[version] = None
    while len(_sent_here) > 20000:
        _sent_here.popitem(last=False)


def board_publish(*, request: HelpRequest, event: BoardEventKind) -> BoardEvent:
    if not isinstance(event, BoardEventKind) or event is BoardEventKind.REMOVED:
        raise TypeError(f"not a board event to publish: {event!r}")
    card = board_card(request)
    row = BoardEvent.objects.create(
        event=event, request=request, card=card, organisation_ids=card["organisations"]
    )
    message = board_message(row)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        _remember_sent(row.pk)
        try:
            _group_send(layer, message)
        except Exception:
            # The outbox is the source of truth: a board that misses this catches up from it.
            log.exception("board event v%s for request %s not delivered", row.pk, request.pk)

    transaction.on_commit(send)
    return row


# A plain process (the task worker, a management command) has no event loop of its own, and
# async_to_sync would start a new loop in a new thread for every event: with Redis, a new
# connection each time, a large share of the worker's CPU. Such a process publishes through
# one long-lived loop instead, which keeps its Redis connection.
PUBLISH_TIMEOUT = 5.0
_publisher_loop: asyncio.AbstractEventLoop | None = None
_publisher_lock = threading.Lock()


def _publisher() -> asyncio.AbstractEventLoop:
    global _publisher_loop
    with _publisher_lock:
        if _publisher_loop is None or _publisher_loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="board-publisher", daemon=True)
            thread.start()
            _publisher_loop = loop
        return _publisher_loop


def _group_send(layer, message: dict) -> None:
    """Send `message` to the board group from synchronous code.

    In the main thread of a process not serving ASGI, through the long-lived publisher loop;
    in a server's worker thread, through the server's own loop (async_to_sync finds it). The
    in-memory layer is bound to the loop of its consumers, so it always takes the latter.
    """
    plain = threading.current_thread() is threading.main_thread()
    if plain and not isinstance(layer, InMemoryChannelLayer):
        future = asyncio.run_coroutine_threadsafe(
            layer.group_send(BOARD_GROUP, message), _publisher()
        )
        future.result(timeout=PUBLISH_TIMEOUT)
    else:
        async_to_sync(layer.group_send)(BOARD_GROUP, message)


def board_version() -> int:
    return BoardEvent.objects.aggregate(v=Max("id"))["v"] or 0


def board_events_prune(*, now=None) -> int:
    """Delete outbox rows older than BOARD_EVENTS_KEEP_DAYS; returns how many. The newest
    row always stays, so the board's version never goes back to 0. Boards catch up over
    seconds or minutes, far less than what is kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BOARD_EVENTS_KEEP_DAYS)
    deleted, _ = BoardEvent.objects.filter(at__lt=cutoff).exclude(pk=board_version()).delete()
    return deleted


def board_events_since(version: int, *, also: list[int] | tuple = (), limit: int = 500) -> list:
    """Outbox rows after `version`, plus the listed ids (gaps being filled), oldest first."""
    rows = BoardEvent.objects.filter(Q(id__gt=version) | Q(id__in=list(also)))
    return list(rows.order_by("id")[:limit])


class BoardRelay:
    """Forwards outbox rows committed by other processes to this process's in-memory layer.

    Started by the first board socket; polls every BOARD_RELAY_INTERVAL seconds. Ids can
    commit out of order on PostgreSQL, so ids skipped over are looked for again for a while.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.version: int | None = None
        self.missing: dict[int, float] = {}

    async def run(self) -> None:
        layer = get_channel_layer()
        while True:
            try:
                await self.poll(layer)
            except Exception:
                log.exception("board relay poll failed")
            await asyncio.sleep(self.interval)

    async def poll(self, layer) -> int:
        if self.version is None:
            self.version = await database_sync_to_async(board_version)()
            return 0
        now = time.monotonic()
        self.missing = {v: t for v, t in self.missing.items() if now - t < MISSING_TTL}
        rows = await database_sync_to_async(board_events_since)(
            self.version, also=list(self.missing)
        )
        sent = 0
        for row in rows:
            self.missing.pop(row.pk, None)
            if row.pk > self.version:
                self.missing.update(dict.fromkeys(range(self.version + 1, row.pk), now))
                self.version = row.pk
            if row.pk in _sent_here:
                continue
            _remember_sent(row.pk)
            await layer.group_send(BOARD_GROUP, board_message(row))
            sent += 1
        return sent


_relay_task: asyncio.Task | None = None
_relay: BoardRelay | None = None


def board_relay_ensure() -> None:
    """Start the relay in this process (once) when the channel layer cannot cross processes."""
    global _relay_task, _relay
    interval = getattr(settings, "BOARD_RELAY_INTERVAL", 0.5)
    if not interval or not isinstance(get_channel_layer(), InMemoryChannelLayer):
        return
    loop = asyncio.get_running_loop()
    # A task of a loop that has since closed (tests run one loop each) counts as stopped.
    if _relay_task is not None and not _relay_task.done() and _relay_task.get_loop() is loop:
        return
    _relay = BoardRelay(interval)
    _relay_task = loop.create_task(_relay.run())


class BoardHub:
    """This process's one subscription to the board group, fanned out to its sockets.

    A channel per socket would cost a channel-layer message per socket per event (with Redis,
    one pop each: 200 boards at 10 events/s is 2,000 round trips a second per process). One
    channel per process costs one, and the fan-out is a loop over local sockets.

    A Redis restart forgets the membership without telling us: redis-py reconnects under the
    receive, and the failure may surface in another coroutine sharing the layer. So the hub
    joins again every REJOIN_EVERY seconds (one ZADD) and reads the outbox for anything newer
    than it has seen, which brings back events sent while it was not a member. While the
    layer fails, it does both every RETRY_EVERY seconds: the outbox is in the database, so
    boards keep getting changes while Redis is down.
    """

    REJOIN_EVERY = 5.0
    RETRY_EVERY = 1.0

    def __init__(self) -> None:
        self.sockets: set = set()
        self.task: asyncio.Task | None = None
        self.version: int | None = None
        self.layer_failed = asyncio.Event()

    def join(self, socket) -> None:
        self.sockets.add(socket)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())

    def leave(self, socket) -> None:
        self.sockets.discard(socket)
        if not self.sockets and self.task is not None:
            # No board left in this process: stop listening (the next board starts it again),
            # so no receive is left waiting when the event loop shuts down.
            self.task.cancel()
            self.task = None

    async def run(self) -> None:
        layer = get_channel_layer()
        # The default prefix matters with Redis: every channel of a process shares one Redis
        # list for that prefix; a channel of its own prefix would wait behind the sockets'.
        channel = await layer.new_channel()
        self.version = await database_sync_to_async(board_version)()
        keeper = asyncio.get_running_loop().create_task(self.keep_joined(layer, channel))
        try:
            while True:
                try:
                    message = await layer.receive(channel)
                except Exception:
                    # The layer went away: keep_joined reads the outbox meanwhile and joins
                    # again once the layer answers.
                    log.exception("board hub receive failed")
                    self.layer_failed.set()
                    await asyncio.sleep(self.RETRY_EVERY)
                    continue
                await self.fan_out(message)
        finally:
            keeper.cancel()

    async def keep_joined(self, layer, channel: str) -> None:
        while True:
            self.layer_failed.clear()
            joined = True
            try:
                await layer.group_add(BOARD_GROUP, channel)
            except Exception:
                log.warning("board hub could not join the board group; trying again")
                joined = False
            try:
                await self.catch_up()
            except Exception:
                log.warning("board hub could not read the outbox; trying again")
            # Soon again if the join failed, or run()'s receive failed meanwhile.
            failed = not joined or self.layer_failed.is_set()
            self.layer_failed.clear()
            wait = self.RETRY_EVERY if failed else self.REJOIN_EVERY
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.layer_failed.wait(), wait)

    async def catch_up(self) -> None:
        """Forward outbox rows newer than any event seen; sockets drop what they already
        have, so an event that is merely late costs nothing."""
        rows = await database_sync_to_async(board_events_since)(self.version or 0)
        for row in rows:
            await self.fan_out(board_message(row))

    async def fan_out(self, message: dict) -> None:
        self.version = max(self.version or 0, message.get("version") or 0)
        for socket in list(self.sockets):
            try:
                await socket.board_event(message)
            except Exception:
                log.exception("board event v%s not forwarded", message.get("version"))


_hubs: dict[asyncio.AbstractEventLoop, BoardHub] = {}


def board_hub() -> BoardHub:
    """The hub of the running event loop (one per process; tests run a loop each)."""
    loop = asyncio.get_running_loop()
    for stale in [other for other in _hubs if other.is_closed()]:
        del _hubs[stale]
    if loop not in _hubs:
        _hubs[loop] = BoardHub()
    return _hubs[loop]
