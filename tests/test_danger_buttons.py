"""Nothing irreversible on one click: every form behind a danger button, on the pages that have
them, answers its first POST with a confirmation step rendered by the server and changes
nothing; the confirmation's own form then does it."""

from html.parser import HTMLParser

import pytest

from helpdesk.models import HelpRequest
from helpdesk.offers import offers_send
from matching.models import Offer, Volunteer
from notifications.models import Message
from tests.conftest import make_user
from tests.factories import helprequest_make, organisation_make, volunteer_make

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """Each <form>: its action and fields, and whether a danger button submits it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"action": attrs.get("action", ""), "data": {}, "danger": False}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "select", "button"):
            if tag == "button" and "danger" in (attrs.get("class") or "").split():
                self.current["danger"] = True
            if attrs.get("name") and tag in ("input", "button"):
                if attrs.get("type") == "checkbox" and "checked" not in attrs:
                    return
                self.current["data"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


def forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def state() -> tuple:
    return (
        sorted(HelpRequest.objects.values_list("pk", "status")),
        sorted(Offer.objects.values_list("pk", "status")),
        sorted(Volunteer.objects.values_list("pk", "is_active", "paused")),
        Message.objects.count(),
    )


@pytest.fixture
def pages(client, operator):
    """(client, page path) for every page with danger buttons, as the role that uses them."""
    coordinator = make_user("cora", "coordinator")
    organisation = organisation_make(coordinators=[coordinator])
    volunteers = [volunteer_make(organisation=organisation) for _ in range(2)]
    request = helprequest_make()
    offers_send(request=request, volunteers=volunteers)
    from django.test import Client

    as_operator, as_coordinator = Client(), Client()
    as_operator.force_login(operator)
    as_coordinator.force_login(coordinator)
    return [
        (as_operator, f"/requests/{request.pk}/"),
        (as_coordinator, f"/partners/{organisation.pk}/"),
    ]


def test_every_danger_button_asks_before_it_acts(pages):
    walked = 0
    for client, path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        for form in [f for f in forms(page.content.decode()) if f["danger"]]:
            before = state()
            response = client.post(form["action"], form["data"])
            assert response.status_code == 200, f"{form['action']}: {response.status_code}"
            assert state() == before, f"{form['action']} acted on the first click"
            confirm = [f for f in forms(response.content.decode()) if "confirm" in f["data"]]
            assert len(confirm) == 1, f"{form['action']}: no confirmation step"
            response = client.post(confirm[0]["action"] or form["action"], confirm[0]["data"])
            assert response.status_code == 302, form["action"]
            assert state() != before, f"{form['action']}: the confirmation did nothing"
            walked += 1
    # The request's cancel and each of the two volunteers' removal.
    assert walked >= 3
