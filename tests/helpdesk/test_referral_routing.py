"""A referral routed to an organisation that takes sensitive cases is that organisation's to
see: on its coordinators' board (snapshot and live), and on the request page with the phone and
the safe-callback note. Other organisations get nothing, and no volunteer is ever offered it."""

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from django.urls import reverse

from helpdesk.board import board_snapshot
from helpdesk.models import BoardEvent, HelpRequest
from helpdesk.safety import referral_route
from helpdesk.services import helprequest_create
from matching.models import Offer
from tests.conftest import make_user
from tests.factories import (
    helprequest_make,
    organisation_make,
    resident_make,
    volunteer_make,
)

from .test_consumer import connect
from .test_intake import intake_data

NOTE = "Ring vardagar 10–12. Lämna inget meddelande."


@pytest.fixture
def desks(db):
    """The shelter's coordinator, and a coordinator of an ordinary volunteer organisation."""
    shelter_user = make_user("siv", "coordinator")
    other_user = make_user("otto", "coordinator")
    shelter = organisation_make(
        name="Kvinnojouren", takes_sensitive_cases=True, coordinators=[shelter_user]
    )
    other = organisation_make(name="Idrottsklubben", coordinators=[other_user])
    volunteer_make(organisation=other, skills={"groceries", "callback", "phone_friend"})
    return shelter, shelter_user, other_user


def referral_make(note: str = NOTE) -> HelpRequest:
    with transaction.atomic():
        referral = helprequest_create(
            resident=resident_make(),
            kind=HelpRequest.Kind.REFERRAL,
            safe_callback_note=note,
            urgency=HelpRequest.Urgency.URGENT,
        )
        referral_route(request=referral)
    return referral


@pytest.mark.django_db
def test_routing_is_recorded_on_the_request_and_in_its_live_event(desks):
    shelter, _, _ = desks
    referral = referral_make()
    referral.refresh_from_db()
    assert referral.routed_to == shelter
    event = BoardEvent.objects.filter(request=referral).latest("pk")
    assert event.event == "routed"
    assert event.organisation_ids == [shelter.pk]
    assert event.card["organisations"] == [shelter.pk]
    # The card stays without personal data: no phone, no note, no task text.
    assert event.card["task"] == ""
    assert str(referral.resident.phone) not in str(event.card)
    assert "10–12" not in str(event.card)


@pytest.mark.django_db
def test_routed_referral_is_on_the_shelters_board_only(desks):
    shelter, shelter_user, other_user = desks
    referral = referral_make()
    plain = helprequest_make()
    shelter_cards = board_snapshot(shelter_user)
    assert [c["code"] for c in shelter_cards] == [referral.code]
    assert shelter_cards[0]["organisations"] == [shelter.pk]
    assert referral.code not in [c["code"] for c in board_snapshot(other_user)]
    assert plain.code not in [c["code"] for c in shelter_cards]


@pytest.mark.django_db
def test_shelter_coordinator_sees_phone_and_note_other_coordinator_gets_404(client, desks):
    _, shelter_user, other_user = desks
    referral = referral_make()
    url = reverse("request_detail", args=[referral.pk])

    client.force_login(shelter_user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="safety"' in page and NOTE in page
    assert str(referral.resident.phone) in page
    assert "Kvinnojouren" in page

    client.force_login(other_user)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_operator_sees_the_safe_callback_note_prominently(operator_client, desks):
    referral = referral_make()
    page = operator_client.get(reverse("request_detail", args=[referral.pk])).content.decode()
    assert 'id="safety"' in page and NOTE in page
    assert page.count(NOTE) == 1


@pytest.mark.django_db
def test_a_referral_without_a_note_yet_tells_the_caller_to_leave_no_message(client, desks):
    _, shelter_user, _ = desks
    referral = referral_make(note="")
    client.force_login(shelter_user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("request_detail", args=[referral.pk])).content.decode()
    assert "leave no message" in page


@pytest.mark.django_db
def test_volunteer_organisations_never_see_the_safety_block(client, desks):
    _, _, other_user = desks
    other = other_user.coordinated_organisations.get()
    request = helprequest_make(task_text="Handla", safe_callback_note="Ring efter 18")
    Offer.objects.create(
        request=request,
        volunteer=other.volunteers.get(),
        expires_at="2099-01-01T00:00:00Z",
    )
    client.force_login(other_user)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'id="safety"' not in page and "Ring efter 18" not in page


@pytest.mark.django_db
def test_referral_from_the_intake_form_is_routed_never_offered_nor_texted(
    operator_client, desks, run_tasks, sms_outbox
):
    shelter, _, _ = desks
    data = intake_data(kind="referral", task_text="", safe_callback_note=NOTE)
    response = operator_client.post(reverse("intake"), data)
    assert response.status_code == 302
    referral = HelpRequest.objects.get()
    assert referral.routed_to == shelter
    run_tasks()
    referral.refresh_from_db()
    assert not Offer.objects.exists()
    assert referral.assigned_volunteer is None
    assert referral.status == HelpRequest.Status.ESCALATED
    # No summary SMS: someone else reading the phone must not learn what was asked for.
    assert sms_outbox == []


@pytest.mark.django_db
def test_without_a_sensitive_organisation_the_support_line_keeps_it(client, desks):
    shelter, shelter_user, _ = desks
    shelter.takes_sensitive_cases = False
    shelter.save()
    referral = referral_make()
    referral.refresh_from_db()
    assert referral.routed_to is None
    client.force_login(shelter_user)
    assert client.get(reverse("request_detail", args=[referral.pk])).status_code == 404


# Ids from 1, as the board sockets see them: a version gap wider than MAX_REPLAY after
# earlier tests would bring a fresh snapshot instead of the event.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
async def test_live_event_reaches_the_shelter_socket_and_not_another(desks):
    shelter, shelter_user, other_user = desks
    shelter_socket, connected = await connect(shelter_user)
    assert connected
    other_socket, connected = await connect(other_user)
    assert connected
    assert (await shelter_socket.receive_json_from(timeout=5))["cards"] == []
    assert (await other_socket.receive_json_from(timeout=5))["type"] == "snapshot"

    referral = await database_sync_to_async(referral_make)()
    event = await shelter_socket.receive_json_from(timeout=5)
    assert event["type"] == "event" and event["event"] == "routed"
    assert event["card"]["code"] == referral.code
    assert event["card"]["organisations"] == [shelter.pk]
    assert await other_socket.receive_nothing(timeout=0.5)
    await shelter_socket.disconnect()
    await other_socket.disconnect()
