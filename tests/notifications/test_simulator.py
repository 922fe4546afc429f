"""The phone simulator plays residents and volunteers through the real signed webhook."""

import pytest
from django.utils.translation import override

from notifications.inbound import _handlers, inbound_handler_register
from notifications.models import Message
from notifications.services import sms_send
from notifications.simulator import simulator_contacts
from tests.conftest import make_user
from tests.factories import resident_make, volunteer_make


@pytest.fixture
def console(settings):
    settings.SMS_BACKEND = "console"


@pytest.mark.django_db
def test_contacts_come_from_the_other_apps_providers():
    resident = resident_make(name="Greta Svensson")
    volunteer = volunteer_make(first_name="Ali")
    contacts = {c.phone: c for c in simulator_contacts()}
    # Who each phone is, in the reader's language.
    with override("sv"):
        assert str(contacts[str(resident.phone)].role) == "invånare"
        assert str(contacts[str(volunteer.phone)].role) == "volontär"
    with override("en"):
        assert str(contacts[str(resident.phone)].role) == "resident"
    assert "Ali" in contacts[str(volunteer.phone)].label


@pytest.mark.django_db
def test_operator_sees_a_phones_inbox_and_texts_back(operator_client, console, run_tasks):
    resident = resident_make(name="Greta Svensson")
    phone = str(resident.phone)
    sms_send(to=phone, body="Din förfrågan är mottagen")
    seen = []

    def record(message):
        seen.append(message.body)
        return "Tack!"

    before = list(_handlers)
    inbound_handler_register(record, order=1)
    try:
        page = operator_client.get("/sms/simulator/", {"phone": phone})
        assert page.status_code == 200
        assert "Din förfrågan är mottagen" in page.content.decode()
        response = operator_client.post("/sms/simulator/send/", {"phone": phone, "body": "Hej!"})
        assert response.status_code == 302
        inbound = Message.objects.get(direction="in")
        assert inbound.body == "Hej!" and inbound.provider_id.startswith("SM")
        run_tasks()
    finally:
        _handlers[:] = before
    assert seen == ["Hej!"]
    thread = operator_client.get("/sms/simulator/thread/", {"phone": phone}).content.decode()
    assert "Hej!" in thread and "Tack!" in thread


@pytest.mark.django_db
def test_simulated_texts_are_signed_with_the_configured_token(operator_client, console, settings):
    """A wrong token on the receiving side refuses them, so the signature is really checked."""
    resident = resident_make()
    from notifications import simulator

    settings.TWILIO_AUTH_TOKEN = "token-a"
    assert simulator.simulator_deliver(phone=str(resident.phone), body="x").status_code == 200
    signed = simulator.twilio_signature
    try:
        simulator.twilio_signature = lambda url, params: signed(url + "?forged", params)
        assert simulator.simulator_deliver(phone=str(resident.phone), body="y").status_code == 403
    finally:
        simulator.twilio_signature = signed


@pytest.mark.django_db
def test_only_valid_numbers_can_be_played(operator_client, console):
    response = operator_client.post("/sms/simulator/send/", {"phone": "12", "body": "x"})
    assert response.status_code == 400
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_new_number_can_be_opened_and_texts_in(operator_client, console):
    page = operator_client.get("/sms/simulator/", {"phone": "070-174 06 98"}).content.decode()
    assert 'value="+46701740698"' in page
    response = operator_client.post(
        "/sms/simulator/send/", {"phone": "+46701740698", "body": "hej"}
    )
    assert response.status_code == 302
    assert Message.objects.filter(phone="+46701740698", direction="in").exists()


@pytest.mark.django_db
def test_every_phone_is_listed_in_pages_and_found_by_name_or_number(operator_client, console):
    from helpdesk.models import Resident

    for i in range(120):
        Resident.objects.create(phone=f"+4670174{i:04d}", name=f"Person {i:03d}")
    first = operator_client.get("/sms/simulator/").content.decode()
    assert "Person 000" in first and "Person 119" not in first
    last = operator_client.get("/sms/simulator/", {"page": 3}).content.decode()
    assert "Person 119" in last
    by_number = operator_client.get("/sms/simulator/", {"q": "070-1740 119"}).content.decode()
    assert "Person 119" in by_number and "Person 118" not in by_number
    by_name = operator_client.get("/sms/simulator/", {"q": "person 07"}).content.decode()
    assert "Person 070" in by_name and "Person 100" not in by_name


@pytest.mark.django_db
def test_absent_with_twilio_and_closed_to_other_roles(operator_client, console, settings):
    from django.test import Client

    coordinator_client = Client()
    coordinator_client.force_login(make_user("cora", "coordinator"))
    assert coordinator_client.get("/sms/simulator/").status_code == 403
    assert "/sms/simulator/" not in coordinator_client.get("/sms/simulator/").content.decode()
    assert 'href="/sms/simulator/"' in operator_client.get("/sms/simulator/").content.decode()
    settings.SMS_BACKEND = "twilio"
    assert operator_client.get("/sms/simulator/").status_code == 404
    assert operator_client.post("/sms/simulator/send/", {}).status_code == 404
