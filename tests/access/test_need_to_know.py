"""Need to know, derived from the one policy (helpdesk.access.POLICY): for every role and
every offer state, the request page and the board's cards show every value the policy allows
and none it hides. The world (tests/access/world.py) says which audience each role is in each
state; the policy says what that audience reads."""

import json
from html import unescape

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from helpdesk import actions, realtime
from helpdesk.access import CARD_FIELDS, POLICY, Audience, Field, request_audience, viewer_of
from helpdesk.models import HelpRequest
from helpdesk.realtime import board_card
from tests.helpdesk.test_consumer import connect

from .world import EXPECTED_AUDIENCE, ROLES, STATES, expected, world_make


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_request_page_shows_what_the_policy_allows_and_nothing_it_hides(
    client, run_tasks, role
):
    world = world_make(run_tasks)
    user = world.users[role]
    client.force_login(user)
    problems = []
    for state in STATES:
        case = world.cases[state]
        audience = EXPECTED_AUDIENCE[role][state]
        assert request_audience(viewer_of(user), case.request) == audience, state
        response = client.get(reverse("request_detail", args=[case.request.pk]))
        if audience == Audience.NONE:
            assert response.status_code == 404, state
            continue
        assert response.status_code == 200, state
        page = unescape(response.content.decode())
        shown, hidden = expected(world, role, case, POLICY[audience])
        problems += [f"{state}: missing {value!r}" for value in shown if value not in page]
        problems += [f"{state}: exposes {value!r}" for value in hidden if value in page]
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator_own", "coordinator_rival"])
def test_the_partner_task_list_hides_what_the_policy_hides(client, run_tasks, role):
    world = world_make(run_tasks)
    organisation = world.own if role == "coordinator_own" else world.rival
    client.force_login(world.users[role])
    response = client.get(reverse("partner_tasks", args=[organisation.pk]))
    assert response.status_code == 200
    page = unescape(response.content.decode())
    problems = []
    for state in STATES:
        case = world.cases[state]
        audience = EXPECTED_AUDIENCE[role][state]
        if audience in (Audience.NONE, Audience.REFERRAL_DESK):
            continue  # not a task of theirs: referrals go to the request page and board
        shown, hidden = expected(world, role, case, POLICY[audience])
        task = case.values.get(Field.TASK_TEXT, []) + world.volunteers(role, case)[0]
        problems += [f"{state}: missing {v!r}" for v in task if v not in page]
        problems += [f"{state}: exposes {v!r}" for v in hidden if v in page]
    assert problems == [], "\n".join(problems)


def card_problems(world, role: str, cards: list[dict], where: str) -> list[str]:
    """Each card against the policy: present exactly when the role may see the request, with
    exactly the keys its audience may read, and no hidden value anywhere in it."""
    problems = []
    by_id = {card["id"]: card for card in cards}
    for state in STATES:
        case = world.cases[state]
        audience = EXPECTED_AUDIENCE[role][state]
        card = by_id.get(case.request.pk)
        if audience == Audience.NONE:
            if card is not None:
                problems.append(f"{where} {state}: card sent to a viewer with no relation")
            continue
        if card is None:
            problems.append(f"{where} {state}: no card")
            continue
        full = board_card(HelpRequest.objects.get(pk=case.request.pk))
        allowed = POLICY[audience]
        keys = {k for k in full if CARD_FIELDS.get(k) in allowed or audience == Audience.OPERATOR}
        if set(card) != keys:
            problems.append(f"{where} {state}: keys {sorted(set(card) ^ keys)} differ")
        # Labels are in the socket's language; the values they name are compared.
        compared = {k for k in keys & set(card) if not k.endswith("_label")}
        for key in compared - {"organisations", "updated_at"}:
            if card[key] != full[key]:
                problems.append(f"{where} {state}: {key} is {card[key]!r}, not {full[key]!r}")
        text = json.dumps(card, ensure_ascii=False)
        _, hidden = expected(world, role, case, allowed)
        problems += [f"{where} {state}: card exposes {v!r}" for v in hidden if v in text]
    return problems


# Ids from 1, as board sockets see them (see tests/helpdesk/test_board_socket.py).
@pytest.mark.django_db(transaction=True, reset_sequences=True)
async def test_board_cards_snapshot_and_live_follow_the_policy(run_tasks, settings):
    settings.BOARD_RELAY_INTERVAL = 0
    realtime._sent_here.clear()
    world = await database_sync_to_async(world_make)(run_tasks)
    sockets = {}
    for role in ROLES:
        socket, connected = await connect(world.users[role])
        assert connected, role
        sockets[role] = socket
    problems = []
    for role, socket in sockets.items():
        snapshot = await socket.receive_json_from(timeout=5)
        assert snapshot["type"] == "snapshot"
        problems += await database_sync_to_async(card_problems)(
            world, role, snapshot["cards"], f"{role} snapshot"
        )

    def note_everywhere() -> None:
        operator = world.users["operator"]
        for case in world.cases.values():
            actions.helprequest_note(request=case.request, text="Ny notis", actor=operator)

    await database_sync_to_async(note_everywhere)()
    for role, socket in sockets.items():
        cards = []
        while not await socket.receive_nothing(timeout=1):
            event = await socket.receive_json_from(timeout=5)
            if event["type"] == "event":
                cards.append(event["card"])
        problems += await database_sync_to_async(card_problems)(world, role, cards, f"{role} live")
        await socket.disconnect()
    assert problems == [], "\n".join(problems)
