"""The maps' data: what the request page and the board put on their maps is what the page's
tables say, numbered alike, approximate positions flagged, and no position a viewer may not
read (exact positions are personal data); the district boundaries as GeoJSON."""

import html
import json
import re

import pytest
from django.urls import reverse

from helpdesk.board import board_snapshot
from helpdesk.offers import offer_accept, offers_send
from notifications.models import Message
from tests.conftest import make_user, second_factor_verified
from tests.factories import (
    district_make,
    helprequest_make,
    organisation_make,
    resident_make,
    volunteer_make,
)

pytestmark = pytest.mark.django_db

# Positions with digits found nowhere else, so a position in a page is found as text.
DOOR = (59.23871, 17.97913)
CENTRE = (59.24111, 17.98222)
NEAR = [(59.23702, 17.98446), (59.23555, 17.97621), (59.24014, 17.97333)]
RIVAL = (59.23456, 17.98765)
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[17.95, 59.22], [18.01, 59.22], [18.01, 59.26], [17.95, 59.26], [17.95, 59.22]]
    ],
}


def json_script(page: str, element_id: str):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1)) if found else None


def table_names(page: str) -> list[tuple[int, str]]:
    """The candidates table's rows as (number, name), in the table's order."""
    rows = re.findall(
        r'<span class="rank">(\d+)\.</span> <label for="cand-\d+">([^<]*)</label>', page
    )
    return [(int(n), html.unescape(name)) for n, name in rows]


def digits(position: tuple[float, float]) -> list[str]:
    return [f"{value:.5f}" for value in position]


@pytest.fixture
def place(db):
    district = district_make(lat=CENTRE[0], lon=CENTRE[1], boundary=SQUARE)
    resident = resident_make(district=district, lat=DOOR[0], lon=DOOR[1], name="Ingrid Karta")
    request = helprequest_make(resident=resident)
    return district, request


def test_the_operators_map_holds_the_resident_and_the_candidates_numbered_as_the_table(
    client, operator, place
):
    district, request = place
    for i, (lat, lon) in enumerate(NEAR):
        volunteer_make(
            first_name=f"Kandidat{i}",
            lat=lat,
            lon=lon,
            district=district,
            position_approximate=i == 1,
        )
    client.force_login(operator)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    points = json_script(page, "map-points")
    assert points["resident"] == {
        "lat": DOOR[0],
        "lon": DOOR[1],
        "approximate": False,
        "label": "Invånare",
    }
    rows = table_names(page)
    assert len(rows) == 3 and [n for n, _ in rows] == [1, 2, 3]
    assert [(p["n"], p["label"]) for p in points["people"]] == [
        (n, f"{n}. {name}") for n, name in rows
    ]
    by_name = {p["label"].split(". ", 1)[1]: p for p in points["people"]}
    for i, position in enumerate(NEAR):
        person = by_name[f"Kandidat{i} Volontär"]
        assert (person["lat"], person["lon"]) == position
        assert person["approximate"] is (i == 1)
    config = json_script(page, "map-config")
    assert config["boundaries"] == reverse("district_boundaries")


def test_an_approximate_resident_is_flagged(client, operator):
    district = district_make(lat=CENTRE[0], lon=CENTRE[1])
    resident = resident_make(
        district=district, lat=CENTRE[0], lon=CENTRE[1], position_approximate=True
    )
    request = helprequest_make(resident=resident)
    client.force_login(operator)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    resident_point = json_script(page, "map-points")["resident"]
    assert resident_point["approximate"] is True
    assert (resident_point["lat"], resident_point["lon"]) == CENTRE


@pytest.fixture
def offered(place):
    """The request offered to a volunteer of the coordinator's organisation and to one of a
    rival organisation's."""
    district, request = place
    coordinator = make_user("cora", "coordinator")
    mine = organisation_make(coordinators=[coordinator])
    own = volunteer_make(organisation=mine, first_name="Egen", lat=NEAR[0][0], lon=NEAR[0][1])
    rival = volunteer_make(first_name="Rival", lat=RIVAL[0], lon=RIVAL[1])
    offers_send(request=request, volunteers=[own, rival])
    return coordinator, request, own, rival


def test_a_coordinator_gets_the_district_and_their_own_volunteers_only(client, offered):
    coordinator, request, own, rival = offered
    client.force_login(coordinator)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    points = json_script(page, "map-points")
    # Offered, not holding: the resident's district centre, never the door.
    assert points["resident"]["approximate"] is True
    assert (points["resident"]["lat"], points["resident"]["lon"]) == CENTRE
    assert [(p["n"], p["lat"], p["lon"]) for p in points["people"]] == [(1, *NEAR[0])]
    for value in digits(DOOR) + digits(RIVAL):
        assert value not in page


def test_a_holding_coordinator_gets_the_door_as_they_get_the_address(client, offered):
    coordinator, request, own, rival = offered
    offer_accept(offer=request.offers.get(volunteer=own))
    client.force_login(coordinator)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    points = json_script(page, "map-points")
    assert (points["resident"]["lat"], points["resident"]["lon"]) == DOOR
    assert [p["n"] for p in points["people"]] == [1]
    for value in digits(RIVAL):
        assert value not in page


def test_the_rival_coordinator_sees_the_request_without_the_other_volunteer(client, offered):
    _coordinator, request, own, rival = offered
    rival_coordinator = make_user("rita", "coordinator")
    rival.organisation.coordinators.add(rival_coordinator)
    client.force_login(rival_coordinator)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    points = json_script(page, "map-points")
    assert [(p["lat"], p["lon"]) for p in points["people"]] == [RIVAL]
    for value in digits(DOOR) + digits(NEAR[0]):
        assert value not in page


def test_an_unrelated_coordinator_and_a_user_without_a_role_get_nothing(client, offered):
    _coordinator, request, _own, _rival = offered
    unrelated = make_user("ulla", "coordinator")
    organisation_make(coordinators=[unrelated])
    for user, status in ((unrelated, 404), (make_user("volle"), 403)):
        client.force_login(user)
        response = client.get(reverse("request_detail", args=[request.pk]))
        assert response.status_code == status, user.username
        for value in digits(DOOR) + digits(NEAR[0]) + digits(RIVAL):
            assert value not in response.content.decode()


def test_an_analyst_gets_the_district_only(client, analyst, offered):
    _coordinator, request, _own, _rival = offered
    second_factor_verified(client, analyst)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    points = json_script(page, "map-points")
    assert (points["resident"]["lat"], points["resident"]["lon"]) == CENTRE
    assert points["resident"]["approximate"] is True and points["people"] == []
    for value in digits(DOOR) + digits(NEAR[0]) + digits(RIVAL):
        assert value not in page


def test_the_offer_sms_gives_the_volunteer_no_position(offered):
    _coordinator, _request, own, _rival = offered
    offer_sms = list(Message.objects.filter(phone=str(own.phone)))
    assert offer_sms, "no offer SMS"
    for message in offer_sms:
        for value in digits(DOOR) + [f"{DOOR[0]:.3f}", f"{DOOR[0]:.2f}"]:
            assert value not in message.body


def test_board_cards_carry_the_door_for_operators_and_nothing_for_coordinators(operator, offered):
    coordinator, request, _own, _rival = offered
    (operator_card,) = [c for c in board_snapshot(operator) if c["id"] == request.pk]
    assert operator_card["position"] == list(DOOR)
    assert operator_card["approximate"] is False
    assert operator_card["district_id"] == request.district_id
    (coordinator_card,) = [c for c in board_snapshot(coordinator) if c["id"] == request.pk]
    assert "position" not in coordinator_card and "approximate" not in coordinator_card
    assert coordinator_card["district_id"] == request.district_id  # placed at its centre
    for value in digits(DOOR):
        assert value not in json.dumps(coordinator_card)


def test_a_sensitive_request_stays_at_its_district_on_the_board(operator, place):
    district, _request = place
    resident = resident_make(district=district, lat=DOOR[0], lon=DOOR[1])
    sensitive = helprequest_make(resident=resident, kind="referral")
    card = next(c for c in board_snapshot(operator) if c["id"] == sensitive.pk)
    assert card["sensitive"] is True
    assert card["position"] == []


def test_the_board_page_has_the_map_toggle_and_its_legend(client, operator):
    client.force_login(operator)
    page = client.get(reverse("home")).content.decode()
    assert 'id="board-map-toggle"' in page and 'aria-pressed="false"' in page
    legend = json_script(page, "map-legend")
    letters = [s["letter"] for s in legend["statuses"]]
    assert len(letters) == 5 and len(set(letters)) == 5  # one letter per open status
    assert {u["value"] for u in legend["urgencies"]} == {0, 1, 2}
    assert json_script(page, "map-config")["boundaries"] == reverse("district_boundaries")


def test_the_boundaries_are_geojson_for_staff_and_cacheable(client, operator, place):
    district, _request = place
    bare = district_make(lat=59.2, lon=17.9)
    broken = district_make(lat=59.1, lon=17.8, boundary={"type": "Polygon"})
    url = reverse("district_boundaries")
    assert client.get(url).status_code == 302  # signed out: to the login
    client.force_login(make_user("volle"))
    assert client.get(url).status_code == 403
    client.force_login(operator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "private" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    features = {f["id"]: f for f in data["features"]}
    assert all(f["type"] == "Feature" for f in features.values())
    assert features[district.pk]["geometry"] == SQUARE
    assert features[district.pk]["properties"]["boundary"] is True
    assert features[district.pk]["properties"]["centre"] == list(CENTRE)
    # No boundary, or one that is not a polygon: the centre as a point (lon, lat).
    for other in (bare, broken):
        assert features[other.pk]["geometry"] == {
            "type": "Point",
            "coordinates": [other.lon, other.lat],
        }
        assert features[other.pk]["properties"]["boundary"] is False
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    coordinator = make_user("cora", "coordinator")
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_the_map_config_follows_the_tile_setting(client, operator, place, settings):
    _district, request = place
    client.force_login(operator)
    settings.MAP_TILE_URL = ""
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert json_script(page, "map-config")["tiles"] == ""
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert json_script(page, "map-config")["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"
