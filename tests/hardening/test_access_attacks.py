"""Walks of the URL conf: CSRF on every POST, a coordinator guessing another organisation's
ids on every URL with an id, HTML and script in names and SMS bodies shown escaped on every
page, SQL-looking input in every query parameter. Pages added later are walked too."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.utils import timezone

from helpdesk.models import Callback, HelpRequest
from matching.models import Capacity, Offer
from notifications.inbound import inbound_receive
from notifications.services import sms_send
from tests.conftest import make_user
from tests.factories import helprequest_make, organisation_make, resident_make, volunteer_make

from .urlwalk import routes

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
SQL = ["' OR '1'='1", "1; DROP TABLE notifications_message; --", '" UNION SELECT password FROM']
SECRET = "Hemligsson"  # in organisation B's data only


def organisation_data(label: str, marker: str) -> dict:
    """An organisation with a volunteer, a resident, a request assigned to that volunteer,
    its offer, callback and an SMS about it."""
    organisation = organisation_make(name=f"{label} {marker}")
    volunteer = volunteer_make(organisation=organisation, first_name=marker, last_name=marker)
    resident = resident_make(name=f"{marker} {SCRIPT}", address=f"{marker}gatan 7 {IMG}")
    request = helprequest_make(resident=resident, task_text=f"Handla {SCRIPT}")
    HelpRequest.objects.filter(pk=request.pk).update(
        status=HelpRequest.Status.ASSIGNED, assigned_volunteer=volunteer
    )
    offer = Offer.objects.create(
        request=request,
        volunteer=volunteer,
        wave=1,
        code=request.code,
        status=Offer.Status.ACCEPTED,
        expires_at=timezone.now() + timedelta(minutes=20),
    )
    callback = Callback.objects.create(request=request, due_at=timezone.now())
    capacity = Capacity.objects.create(organisation=organisation, kind="groceries", per_week=5)
    message = sms_send(to=str(volunteer.phone), body=f"Erbjudande {IMG}", about=offer)
    inbound, _ = inbound_receive(
        payload={"MessageSid": f"SM{marker}", "From": str(resident.phone), "Body": SCRIPT}
    )
    return {
        "organisation": organisation,
        "volunteer": volunteer,
        "resident": resident,
        "request": request,
        "offer": offer,
        "callback": callback,
        "capacity": capacity,
        "message": message,
        "inbound": inbound,
    }


def id_values(data: dict) -> dict[str, object]:
    """Values for URL parameters by name; any other int parameter gets the request's id and
    any other str parameter its code."""
    return {
        "organisation_id": data["organisation"].pk,
        "org_id": data["organisation"].pk,
        "volunteer_id": data["volunteer"].pk,
        "resident_id": data["resident"].pk,
        "request_id": data["request"].pk,
        "helprequest_id": data["request"].pk,
        "offer_id": data["offer"].pk,
        "callback_id": data["callback"].pk,
        "capacity_id": data["capacity"].pk,
        "message_id": data["message"].pk,
        "code": data["request"].code,
    }


# What a bare `pk` names, by the route's name; and an action the view really performs, so the
# check reaches the view's own scoping instead of stopping at "unknown action".
PK_BY_ROUTE = {"partner_": "organisation", "privacy_": "resident", "request_": "request"}
ACTION_BY_ROUTE = {"partner_volunteer_action": "pause", "request_action": "cancel"}


def fill(route, data: dict) -> str:
    known = id_values(data)
    values = {}
    for converter, name in route.params:
        if name == "pk":
            owner = next((v for k, v in PK_BY_ROUTE.items() if route.name.startswith(k)), None)
            values[name] = data[owner or "request"].pk
        elif name == "action" and route.name in ACTION_BY_ROUTE:
            values[name] = ACTION_BY_ROUTE[route.name]
        elif name in known:
            values[name] = known[name]
        elif converter == "int":
            values[name] = data["request"].pk
        else:
            values[name] = data["request"].code
    return route.fill(values)


@pytest.fixture
def world():
    coordinator = make_user("cora", "coordinator")
    mine = organisation_data("Röda Korset", "Egen")
    theirs = organisation_data("Grannföreningen", SECRET)
    mine["organisation"].coordinators.add(coordinator)
    superuser = User.objects.create_superuser("root", password="correct-horse-battery")
    operator = make_user("opal", "operator")
    Group.objects.get_or_create(name="admin")
    return {
        "coordinator": coordinator,
        "mine": mine,
        "theirs": theirs,
        "operator": operator,
        "superuser": superuser,
    }


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_every_post_needs_a_csrf_token_or_a_twilio_signature(world):
    client = logged_in(world["superuser"], enforce_csrf_checks=True)
    walked = 0
    for route in routes(include_admin=False):
        path = fill(route, world["mine"])
        response = client.post(path, {"status": "done", "text": "x", "body": "x"})
        # Signed webhooks refuse an unsigned POST with 403 too; a page that only answers GET
        # (the probes, answered before the CSRF check for the prober) refuses it with 405.
        assert response.status_code in (403, 405), f"{route.route}: {response.status_code}"
        walked += 1
    assert walked >= 5
    # The control: with a token, a POST gets past the CSRF check.
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    response = client.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_coordinator_cannot_reach_another_organisations_objects(world):
    assert not world["coordinator"].is_staff
    client = logged_in(world["coordinator"])
    with_ids = [r for r in routes() if r.params and not (r.is_signed_webhook or r.is_public)]
    for route in with_ids:
        path = fill(route, world["theirs"])
        for method in (client.get, client.post):
            response = method(path)
            body = response.content.decode(errors="replace")
            assert response.status_code in (302, 403, 404, 405), (
                f"{method.__name__.upper()} {path} ({route.route}): {response.status_code}"
            )
            if response.status_code == 302:
                assert "/login/" in response["Location"], response["Location"]
            assert SECRET not in body, f"{route.route} shows another organisation's data"


def test_a_coordinator_sees_no_other_organisation_on_any_page(world):
    client = logged_in(world["coordinator"])
    for route in routes():
        if route.params or route.is_signed_webhook:
            continue
        response = client.get("/" + route.route)
        body = response.content.decode(errors="replace")
        assert SECRET not in body, f"/{route.route} shows another organisation's data"


@pytest.mark.parametrize("role", ["superuser", "operator", "coordinator"])
def test_html_in_names_and_sms_is_escaped_on_every_page(world, role, settings):
    settings.SMS_BACKEND = "console"  # so the phone simulator is there to be walked
    client = logged_in(world[role])
    pages, escaped = 0, 0
    phone = world["mine"]["resident"].phone
    for route in routes():
        if route.is_signed_webhook:
            continue
        path = fill(route, world["mine"])
        for query in ("", f"?phone={phone}"):
            response = client.get(path + query)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            body = response.content.decode(errors="replace")
            assert SCRIPT not in body and IMG not in body, f"unescaped markup on {path}{query}"
            escaped += "&lt;script&gt;alert(" in body
    assert pages >= 1
    if role != "coordinator":
        # The simulator shows the resident's texts: the markup is there, as text.
        assert escaped >= 1


def test_sql_looking_input_in_every_query_parameter_is_just_text(world, settings):
    settings.SMS_BACKEND = "console"
    client = logged_in(world["superuser"])
    for route in routes():
        if route.is_signed_webhook:
            continue
        path = fill(route, world["mine"])
        for payload in SQL:
            query = dict.fromkeys(("q", "phone", "search", "code", "status", "page"), payload)
            response = client.get(path, query)
            if path == "/readyz" and response.status_code == 503:
                continue  # not ready by design: no worker beats here (config/probes.py)
            assert response.status_code < 500, f"{path} with {payload!r}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM notifications_message")
        assert cursor.fetchone()[0] >= 4


def test_the_same_pages_open_for_the_coordinators_own_organisation(world):
    """The control for the test above: the 404s there are scoping, not broken URLs."""
    client = logged_in(world["coordinator"])
    own_pages = [
        r
        for r in routes()
        if r.name.startswith("partner_")
        and r.params
        and "action" not in r.name
        and "delete" not in r.name
    ]
    assert len(own_pages) >= 5
    for route in own_pages:
        path = fill(route, world["mine"])
        assert client.get(path).status_code == 200, path


def test_a_coordinator_reads_no_residents_texts_or_notes_on_any_page(world, run_tasks):
    """Even while their own volunteer holds the task: the resident's own SMS, the request's
    internal notes and an operator's note stay with the support line (helpdesk.access)."""
    mine = world["mine"]
    text = "Nyckeln ligger under mattan Zeta"
    inbound_receive(
        payload={"MessageSid": "SMzeta", "From": str(mine["resident"].phone), "Body": text}
    )
    run_tasks()
    HelpRequest.objects.filter(pk=mine["request"].pk).update(internal_notes="Hundallergi Zeta")
    secrets = [text, "Hundallergi Zeta"]
    operator_page = logged_in(world["operator"]).get(f"/requests/{mine['request'].pk}/")
    assert all(s in operator_page.content.decode() for s in secrets)  # the control
    client = logged_in(world["coordinator"])
    walked = 0
    for route in routes():
        if route.is_signed_webhook:
            continue
        path = fill(route, mine)
        response = client.get(path)
        body = response.content.decode(errors="replace")
        walked += response.status_code == 200
        assert not [s for s in secrets if s in body], f"{path} shows a resident's text or note"
    assert walked >= 5
