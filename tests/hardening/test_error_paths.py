"""Paths that used to end in a 500: a callback whose request closed meanwhile, query
parameters with digits Python's isdigit() accepts but int() refuses, and an inbound SMS whose
MessageSid an outbound row already holds."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import Callback, HelpRequest
from notifications.models import Message
from notifications.services import message_claim, sms_send
from tests.conftest import make_user
from tests.factories import helprequest_make, mobile, resident_make, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post

from .urlwalk import routes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "notifications", "matching", "helpdesk")
# Digits and numbers that str.isdigit(), float() or a careless parse let through.
ODD_NUMBERS = ["¹", "²³", "٣", "①", "𝟙", "-1", "0", "1e3", "1.5", "9" * 30, " 7 ", "0x10", ""]
ACTIONS = {
    "complete": {"outcome": "Pratade med Greta, allt bra"},
    "reschedule": {"due_at": "2030-01-01T10:00", "outcome": "Ring i morgon"},
    "convert": {"kind": "groceries", "task_text": "Handla mat"},
}


@pytest.mark.parametrize("closed", [HelpRequest.Status.CANCELLED, HelpRequest.Status.DONE])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_call_made_after_its_request_closed_is_still_recorded(closed, action):
    """The operator had the queue open; the resident cancelled meanwhile. The call happened,
    so what came of it is kept."""
    operator = make_user("olle", "operator")
    client = Client()
    client.force_login(operator)
    request = helprequest_make(kind="callback", task_text="Ring Greta")
    callback = Callback.objects.create(request=request, due_at=timezone.now())
    assert client.post(reverse("callback_action", args=[callback.pk, "claim"])).status_code == 302
    HelpRequest.objects.filter(pk=request.pk).update(status=closed, closed_at=timezone.now())

    response = client.post(reverse("callback_action", args=[callback.pk, action]), ACTIONS[action])

    assert response.status_code == 302
    callback.refresh_from_db()
    request.refresh_from_db()
    assert request.status == closed  # a closed request stays as it was closed
    texts = list(request.timeline.values_list("text", flat=True))
    if action == "complete":
        assert callback.done_at and callback.outcome == ACTIONS[action]["outcome"]
        assert ACTIONS[action]["outcome"] in texts
    elif action == "convert":
        assert callback.done_at
        created = HelpRequest.objects.exclude(pk=request.pk).get()
        assert created.resident == request.resident and created.kind == "groceries"
    else:
        assert callback.due_at.year == 2030 and any("Ring i morgon" in t for t in texts)


def query_parameters() -> set[str]:
    """Every name the project's views read from a query string."""
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            names |= set(re.findall(r"request\.GET\.get\(\s*[\"'](\w+)", path.read_text()))
    return names


def test_every_query_parameter_takes_any_number_without_a_500(settings):
    settings.SMS_BACKEND = "console"  # so the phone simulator is there to be walked
    superuser = User.objects.create_superuser("root", password="correct-horse-battery")
    resident = resident_make()
    request = helprequest_make(resident=resident)
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    names = query_parameters()
    assert {"resident", "days", "q", "phone", "page"} <= names
    for route in routes():
        if route.is_signed_webhook:
            continue
        path = route.fill(
            {name: request.pk if conv == "int" else request.code for conv, name in route.params}
        )
        for value in ODD_NUMBERS:
            response = client.get(path, dict.fromkeys(names, value))
            if path == "/readyz" and response.status_code == 503:
                continue  # not ready by design: no worker beats here (config/probes.py)
            assert response.status_code < 500, f"{path} with {value!r}"


def test_an_inbound_sms_is_kept_when_an_outbound_row_holds_its_sid(client):
    """A status callback stored Twilio's MessageSid on an outbound row; an inbound message
    with that Sid (a misbehaving provider, a replayed test) is a message of its own."""
    outbound = message_claim(message_id=sms_send(to=mobile(), body="Hej").pk)
    shared = "SM" + "b" * 32
    params = {"MessageSid": shared, "MessageStatus": "sent", "AccountSid": "AC1"}
    assert signed_post(client, f"/sms/status/{outbound.pk}/", params).status_code == 200
    assert Message.objects.get(pk=outbound.pk).provider_id == shared
    sender = mobile()
    response = signed_post(client, "/sms/inbound/", inbound_params(sender, "Hjälp", shared))
    assert response.status_code == 200
    inbound = Message.objects.filter(direction="in", provider_id=shared).get()
    assert inbound.phone == sender and inbound.body == "Hjälp"
    # A repeat of that inbound delivery is still recognised as a repeat.
    signed_post(client, "/sms/inbound/", inbound_params(sender, "Hjälp", shared))
    assert Message.objects.filter(direction="in", provider_id=shared).count() == 1


def test_a_status_callback_naming_an_inbound_sid_changes_no_inbound_row(client):
    inbound_sid = "SM" + "a" * 32
    signed_post(client, "/sms/inbound/", inbound_params(mobile(), "Hej", inbound_sid))
    outbound = message_claim(message_id=sms_send(to=mobile(), body="Hej").pk)
    params = {"MessageSid": inbound_sid, "MessageStatus": "delivered", "AccountSid": "AC1"}
    response = signed_post(client, f"/sms/status/{outbound.pk}/", params)
    assert response.status_code == 200
    outbound.refresh_from_db()
    assert outbound.status == "delivered" and outbound.provider_id == inbound_sid
    assert Message.objects.get(direction="in").provider_id == inbound_sid


def post_parameters() -> set[str]:
    """Every name the project's views read straight from a POST body."""
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            names |= set(
                re.findall(r"request\.POST\.(?:get|getlist)\(\s*[\"'](\w+)", path.read_text())
            )
    return names


def action_names() -> set[str]:
    """The literal actions views compare their `action` argument with."""
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*views.py"):
            text = path.read_text()
            names |= set(re.findall(r"action == [\"'](\w+)[\"']", text))
            for group in re.findall(r"action in \(([^)]*)\)", text):
                names |= set(re.findall(r"[\"'](\w+)[\"']", group))
    return names


def test_every_post_field_and_action_takes_any_number_without_a_500(settings):
    """The ids a form posts (a volunteer to offer or assign, a resident, a day count) are read
    as ASCII digits of a size the database holds; anything else is an error message, not a
    500."""
    superuser = User.objects.create_superuser("root", password="correct-horse-battery")
    volunteer = volunteer_make()
    request = helprequest_make(resident=resident_make())
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    names, actions = post_parameters(), action_names()
    assert "volunteer" in names and {"offer", "assign", "claim"} <= actions
    for route in routes():
        if route.is_signed_webhook or route.is_public:
            continue
        choices = [actions] if any(name == "action" for _, name in route.params) else [{""}]
        for action in sorted(choices[0]):
            values = {
                name: request.pk if conv == "int" else request.code for conv, name in route.params
            }
            values["action"] = action
            values["volunteer_id"] = volunteer.pk
            path = route.fill(values)
            for value in ODD_NUMBERS:
                client.force_login(superuser)  # /logout/ is walked too
                response = client.post(path, dict.fromkeys(names, value))
                assert response.status_code < 500, f"POST {path} with {value!r}"
                if route.name != "logout":
                    assert "/login/" not in response.get("Location", ""), f"POST {path}"
