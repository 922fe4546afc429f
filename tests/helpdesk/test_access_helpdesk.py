"""Who may see what: anonymous users are sent to log in, coordinators see only their own
organisation's requests (another organisation's request is a 404, not a 403)."""

import pytest
from django.urls import reverse

from matching.models import Offer
from tests.conftest import make_user
from tests.factories import helprequest_make, organisation_make, volunteer_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organisations(db):
    mine_user = make_user("cora", "coordinator")
    mine = organisation_make(coordinators=[mine_user])
    theirs = organisation_make()
    my_request = helprequest_make(task_text="Handla åt Greta")
    their_request = helprequest_make(task_text="Apotek åt Nils")
    for request, organisation in ((my_request, mine), (their_request, theirs)):
        volunteer = volunteer_make(organisation=organisation)
        Offer.objects.create(
            request=request, volunteer=volunteer, expires_at="2099-01-01T00:00:00Z"
        )
    return mine_user, my_request, their_request


@pytest.mark.parametrize("name", ["home", "intake", "callbacks"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response.url


def test_anonymous_cannot_read_a_request(client):
    request = helprequest_make()
    response = client.get(reverse("request_detail", args=[request.pk]))
    assert response.status_code == 302


def test_coordinator_sees_own_request_and_404_for_another(client, two_organisations):
    user, mine, theirs = two_organisations
    client.force_login(user)
    own = client.get(reverse("request_detail", args=[mine.pk]))
    assert own.status_code == 200
    assert "Handla åt Greta" in own.content.decode()
    # The resident's phone and internal notes stay with the municipality.
    assert str(mine.resident.phone) not in own.content.decode()
    assert client.get(reverse("request_detail", args=[theirs.pk])).status_code == 404


def test_coordinator_cannot_use_intake_callbacks_or_actions(client, two_organisations):
    user, mine, _ = two_organisations
    client.force_login(user)
    assert client.get(reverse("intake")).status_code == 403
    assert client.get(reverse("callbacks")).status_code == 403
    response = client.post(reverse("request_action", args=[mine.pk, "cancel"]))
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.status == "new"


def test_operator_sees_every_page(operator_client):
    request = helprequest_make()
    for url in (
        reverse("home"),
        reverse("intake"),
        reverse("callbacks"),
        reverse("request_detail", args=[request.pk]),
    ):
        assert operator_client.get(url).status_code == 200, url


def test_board_in_english_and_swedish(operator_client):
    swedish = operator_client.get(reverse("home")).content.decode()
    assert "Tavla" in swedish or "Ny förfrågan" in swedish
    operator_client.cookies["django_language"] = "en"
    english = operator_client.get(reverse("home")).content.decode()
    assert "New request" in english
