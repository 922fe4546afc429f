"""Every kind of board event, driven through the service that publishes it, reaches an
operator's board, and a coordinator's board only while the request is in their scope.

A new BoardEventKind without a way to cause it here fails the first test: each kind has its
test, as each kind has its service."""

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from helpdesk import actions, callbacks, offers, resident_answers, resident_records, safety
from helpdesk.board import organisations_scope
from helpdesk.models import HelpRequest
from helpdesk.realtime import BoardEventKind, board_publish
from helpdesk.resident_forms import DETAIL_FIELDS
from helpdesk.services import helprequest_create, helprequest_transition
from matching.models import Offer
from notifications.models import Message
from tests.conftest import make_user
from tests.factories import helprequest_make, organisation_make, resident_make, volunteer_make
from tests.helpdesk.test_consumer import connect

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

K = BoardEventKind


def _offered(world) -> HelpRequest:
    """A request offered to a volunteer of the coordinator's organisation."""
    request = helprequest_make()
    world["offer"] = Offer.objects.create(
        request=request,
        volunteer=volunteer_make(organisation=world["ours"]),
        code=request.code,
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    return request


def _sms_in(request: HelpRequest, body: str) -> Message:
    return Message.objects.create(
        direction=Message.Direction.INBOUND,
        phone=str(request.resident.phone),
        body=body,
        status=Message.Status.RECEIVED,
    )


def created(world):
    return helprequest_create(resident=resident_make(), kind=HelpRequest.Kind.GROCERIES)


def status(world):
    request = _offered(world)
    return helprequest_transition(request=request, to=HelpRequest.Status.MATCHING)


def offers_changed(world):
    request = _offered(world)
    offers.offer_decline(offer=world["offer"])
    return request


def timeline(world):
    request = _offered(world)
    actions.helprequest_note(request=request, text="Ringde, inget svar", actor=world["operator"])
    return request


def details(world):
    request = _offered(world)
    resident = request.resident
    details = {field: getattr(resident, field) for field in DETAIL_FIELDS}
    actions.helprequest_resident_update(
        request=request, details={**details, "name": "Greta Ny"}, actor=world["operator"]
    )
    return request


def sms_in(world):
    request = _offered(world)
    resident_records.sms_in_record(request, _sms_in(request, "Jag är hemma efter tre"))
    return request


def complaint(world):
    request = _offered(world)
    offers.helprequest_assign(request=request, volunteer=world["offer"].volunteer)
    offers.helprequest_done(request=request)
    message = _sms_in(request, "Ingen kom, det var dåligt")
    resident_answers.feedback_store(message=message, request=request)
    return request


def callback(world):
    request = _offered(world)
    resident_records.callback_due_ensure(request)
    return request


def callback_due(world):
    request = _offered(world)
    made = callbacks.callback_create(
        request=request, due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert callbacks.callback_due_mark(callback_id=made.pk)
    return request


def routed(world):
    request = helprequest_make(kind=HelpRequest.Kind.REFERRAL)
    safety.referral_route(request=request, concern=safety.Concern.VIOLENCE)
    return request


CAUSES = {
    K.CREATED: created,
    K.STATUS: status,
    K.OFFERS: offers_changed,
    K.TIMELINE: timeline,
    K.DETAILS: details,
    K.SMS_IN: sms_in,
    K.COMPLAINT: complaint,
    K.CALLBACK: callback,
    K.CALLBACK_DUE: callback_due,
    K.ROUTED: routed,
}


def test_every_kind_of_event_has_a_cause_here():
    published = set(BoardEventKind) - {K.REMOVED}
    assert set(CAUSES) == published


def test_only_kinds_can_be_published():
    request = helprequest_make()
    with pytest.raises(TypeError):
        board_publish(request=request, event="status")
    with pytest.raises(TypeError):
        board_publish(request=request, event=K.REMOVED)


async def _events(communicator, *, until=None, deadline=3.0) -> list[dict]:
    """Messages on a socket: until one of kind `until` arrives (within `deadline`), or,
    without `until`, whatever arrives before the socket has been quiet a moment."""
    seen = []
    loop_deadline = timezone.now() + dt.timedelta(seconds=deadline)
    while timezone.now() < loop_deadline:
        if until is None and await communicator.receive_nothing(timeout=0.3):
            break
        try:
            message = await communicator.receive_json_from(timeout=deadline)
        except TimeoutError:
            break
        seen.append(message)
        if until is not None and message.get("event") == until:
            break
    return seen


@pytest.mark.parametrize("kind", list(CAUSES), ids=str)
async def test_event_reaches_operators_and_coordinators_in_scope(kind, settings):
    settings.BOARD_RELAY_INTERVAL = 0

    def world_make():
        coordinator = make_user("cora", "coordinator")
        stranger = make_user("sten", "coordinator")
        return {
            "operator": make_user("olle", "operator"),
            "coordinator": coordinator,
            "stranger": stranger,
            "ours": organisation_make(coordinators=[coordinator]),
            "theirs": organisation_make(coordinators=[stranger]),
        }

    world = await database_sync_to_async(world_make)()
    sockets = {}
    for who in ("operator", "coordinator", "stranger"):
        communicator, connected = await connect(world[who])
        assert connected
        assert (await communicator.receive_json_from(timeout=3))["type"] == "snapshot"
        sockets[who] = communicator

    request = await database_sync_to_async(CAUSES[kind])(world)

    operator_saw = await _events(sockets["operator"], until=kind)
    assert (kind, request.pk) in {(m.get("event"), m["card"]["id"]) for m in operator_saw}

    def in_scope(organisation) -> bool:
        scope = organisations_scope([organisation.pk])
        return HelpRequest.objects.filter(scope, pk=request.pk).exists()

    for who, organisation in (("coordinator", world["ours"]), ("stranger", world["theirs"])):
        saw = await _events(sockets[who])
        theirs = [m for m in saw if m.get("card", {}).get("id") == request.pk]
        kinds = {m["event"] for m in theirs}
        if await database_sync_to_async(in_scope)(organisation):
            assert kind in kinds, (who, saw)
            assert not {"internal_notes", "phone", "name"} & set(theirs[-1]["card"])
        else:
            assert kinds <= {K.REMOVED}, (who, saw)
    for communicator in sockets.values():
        await communicator.disconnect()
