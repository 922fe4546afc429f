"""Real places at intake and on a request's resident form: an address picked from the register
places the resident at its door, in its district; one typed that the register does not know
is kept as typed at the district's centre and said to be approximate; text edited after a
pick is an address typed. The suggestions answer operators only, and tell nothing of anyone."""

import re
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from helpdesk.models import HelpRequest, Resident, TimelineEvent
from matching.models import Offer
from places.models import Address
from places.text import search_text
from tests.conftest import make_user
from tests.factories import (
    district_make,
    helprequest_make,
    organisation_make,
    resident_make,
    volunteer_make,
)

pytestmark = pytest.mark.django_db

APPROXIMATE_SV = "Position ungefärlig (kommundelens mitt)"
APPROXIMATE_EN = "Position approximate (district centre)"


def door_make(street: str, number: str, **fields) -> Address:
    """One door of the register, its search text written as the importers write it."""
    values = dict(
        street=street,
        number=number,
        letter="",
        postcode="14152",
        locality="Flemingsberg",
        municipality="Huddinge",
        lat=59.2201,
        lon=17.9465,
        source="test",
        source_id=f"{street}-{number}-{uuid.uuid4().hex[:8]}",
    )
    values.update(fields)
    values["search_text"] = search_text(
        values["street"], values["number"], values["letter"], values["postcode"], values["locality"]
    )
    return Address.objects.create(**values)


@pytest.fixture
def world(db):
    flemingsberg = district_make(name="Flemingsberg", lat=59.2190, lon=17.9480)
    sjodalen = district_make(name="Sjödalen", lat=59.2400, lon=17.9700)
    door = door_make("Storvretsvägen", "1", letter="B", district=flemingsberg)
    # A new street the boundaries do not reach yet: in the register, in no district.
    outside = door_make("Nyvägen", "3", district=None, lat=59.2300, lon=17.9900)
    return {"flemingsberg": flemingsberg, "sjodalen": sjodalen, "door": door, "outside": outside}


def intake_data(**extra) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "phone": "070-174 06 11",
        "name": "Karin Berg",
        "language": "sv",
        "kind": "groceries",
        "urgency": "1",
        "task_text": "Mjölk och bröd",
        "consent": "on",
    }
    data.update(extra)
    return data


def intake_resident(client, **extra) -> Resident:
    response = client.post(reverse("intake"), intake_data(**extra))
    assert response.status_code == 302, response.context["form"].errors
    return HelpRequest.objects.get().resident


# Intake (resident_save)


def test_a_picked_address_places_the_resident_at_its_door_in_its_district(operator_client, world):
    door = world["door"]
    # The operator left another district in the select: the address's own district wins.
    resident = intake_resident(
        operator_client, address=door.label, place=door.pk, district=world["sjodalen"].pk
    )
    assert resident.place == door
    assert (resident.lat, resident.lon) == (door.lat, door.lon)
    assert resident.district == world["flemingsberg"]
    assert resident.position_approximate is False
    assert resident.address == "Storvretsvägen 1B, 141 52 Flemingsberg"
    request = resident.requests.get()
    assert request.district == world["flemingsberg"]
    page = operator_client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Storvretsvägen 1B" in page and APPROXIMATE_SV not in page


def test_a_typed_address_the_register_does_not_know_is_saved_approximate(operator_client, world):
    district = world["sjodalen"]
    resident = intake_resident(operator_client, address="Gamla vägen 12", district=district.pk)
    assert resident.address == "Gamla vägen 12" and resident.place is None
    assert (resident.lat, resident.lon) == (district.lat, district.lon)
    assert resident.district == district and resident.position_approximate is True
    url = reverse("request_detail", args=[resident.requests.get().pk])
    page = operator_client.get(url).content.decode()
    assert "Gamla vägen 12" in page and APPROXIMATE_SV in page
    english = operator_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert APPROXIMATE_EN in english


def test_text_edited_after_the_pick_drops_the_pick(operator_client, world):
    door, district = world["door"], world["sjodalen"]
    # The page's script empties the id as soon as the text changes; were it not run, the
    # server still refuses a door the text no longer names.
    resident = intake_resident(
        operator_client, address=door.label + " lgh 1201", place=door.pk, district=district.pk
    )
    assert resident.place is None and resident.position_approximate is True
    assert (resident.lat, resident.lon, resident.district) == (district.lat, district.lon, district)


def test_a_picked_address_outside_any_district_keeps_the_chosen_district(operator_client, world):
    outside, district = world["outside"], world["sjodalen"]
    resident = intake_resident(
        operator_client, address=outside.label, place=outside.pk, district=district.pk
    )
    assert resident.place == outside and resident.position_approximate is False
    assert (resident.lat, resident.lon) == (outside.lat, outside.lon)
    assert resident.district == district


def test_a_picked_address_outside_any_district_without_one_chosen_is_still_a_door(
    operator_client, world
):
    outside = world["outside"]
    resident = intake_resident(operator_client, address=outside.label, place=outside.pk)
    assert resident.place == outside and resident.district is None
    assert (resident.lat, resident.lon, resident.position_approximate) == (
        outside.lat,
        outside.lon,
        False,
    )


def test_a_pick_the_register_no_longer_has_is_said_and_nothing_is_lost(operator_client, world):
    door = world["door"]
    data = intake_data(address=door.label, place=door.pk, district=world["flemingsberg"].pk)
    door.delete()  # a re-import removed it while the caller talked
    response = operator_client.post(reverse("intake"), data)
    assert response.status_code == 200 and not HelpRequest.objects.exists()
    form = response.context["form"]
    assert "no longer in the register" in " ".join(form.errors["address"]) or (
        "finns inte längre i registret" in " ".join(form.errors["address"])
    )
    page = response.content.decode()
    # The text stays for the operator; the stale id is not sent a second time.
    assert 'value="Storvretsvägen 1B, 141 52 Flemingsberg"' in page
    hidden = re.search(r'<input type="hidden" name="place"[^>]*>', page).group(0)
    assert "value" not in hidden


def test_garbage_in_the_hidden_field_is_an_error_not_a_crash(operator_client, world):
    response = operator_client.post(
        reverse("intake"), intake_data(address="Storvretsvägen 1B", place="1; DROP")
    )
    assert response.status_code == 200 and "address" in response.context["form"].errors
    assert not HelpRequest.objects.exists()


def test_a_returning_caller_keeps_their_pick_while_the_address_is_unchanged(operator_client, world):
    door = world["door"]
    first = intake_resident(operator_client, address=door.label, place=door.pk)
    found = operator_client.get(reverse("resident_lookup"), {"phone": "0701740611"}).json()
    assert found["resident"]["place"] == door.pk
    HelpRequest.objects.all().delete()
    # The second call: the address as the lookup filled it in, no new pick.
    again = intake_resident(operator_client, address=door.label)
    assert again.pk == first.pk and again.place == door and not again.position_approximate
    HelpRequest.objects.all().delete()
    # A new address said on the phone, typed: the old door goes with the old address.
    moved = intake_resident(
        operator_client, address="Gamla vägen 12", district=world["sjodalen"].pk
    )
    assert moved.place is None and moved.position_approximate is True
    assert (moved.lat, moved.lon) == (world["sjodalen"].lat, world["sjodalen"].lon)


# A request's resident form (actions.helprequest_resident_update)


def details(district, **extra) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "name": "Greta Andersson",
        "address": "Storgatan 7",
        "district": district.pk if district else "",
        "language": "sv",
        "kind": "groceries",
        "task_text": "Handla mat",
        "then": "save",
    }
    data.update(extra)
    return data


def details_save(client, request, data) -> Resident:
    response = client.post(reverse("request_resident", args=[request.pk]), data)
    assert response.status_code == 302, response.context["resident_form"].errors
    return Resident.objects.get(pk=request.resident_id)


@pytest.fixture
def unplaced(world):
    """A request from a resident with a typed address at Sjödalen's centre."""
    resident = resident_make(
        address="Storgatan 7",
        district=world["sjodalen"],
        lat=world["sjodalen"].lat,
        lon=world["sjodalen"].lon,
        position_approximate=True,
    )
    return helprequest_make(resident=resident)


def test_details_a_picked_address_moves_the_resident_to_its_door(operator_client, world, unplaced):
    door = world["door"]
    resident = details_save(
        operator_client,
        unplaced,
        details(world["sjodalen"], address=door.label, place=door.pk),
    )
    assert resident.place == door and resident.position_approximate is False
    assert (resident.lat, resident.lon, resident.district) == (
        door.lat,
        door.lon,
        world["flemingsberg"],
    )
    unplaced.refresh_from_db()
    assert unplaced.district == world["flemingsberg"]
    # The timeline names the fields that changed, never the address itself.
    event = unplaced.timeline.get(kind=TimelineEvent.Kind.NOTE, data__resident_details=True)
    assert {"address", "place", "district"} <= set(event.data["fields"])
    assert "Storvretsvägen" not in str(event.data) and "Storvretsvägen" not in event.text


def test_details_a_typed_address_drops_the_old_door(operator_client, world):
    door, district = world["door"], world["flemingsberg"]
    resident = resident_make(
        address=door.label, place=door, district=district, lat=door.lat, lon=door.lon
    )
    request = helprequest_make(resident=resident)
    # The form comes with the old pick in its hidden field; the page's script empties it
    # when the text changes, and the server holds the same rule without it.
    saved = details_save(
        operator_client, request, details(district, address="Gamla vägen 12", place=door.pk)
    )
    assert saved.place is None and saved.position_approximate is True
    assert (saved.lat, saved.lon) == (district.lat, district.lon)


def test_details_edited_after_the_pick_is_typed(operator_client, world, unplaced):
    door = world["door"]
    resident = details_save(
        operator_client,
        unplaced,
        details(world["sjodalen"], address="Storvretsvägen 1", place=door.pk),
    )
    assert resident.place is None and resident.position_approximate is True
    assert (resident.lat, resident.lon) == (world["sjodalen"].lat, world["sjodalen"].lon)


def test_details_a_picked_address_outside_any_district(operator_client, world, unplaced):
    outside = world["outside"]
    resident = details_save(
        operator_client, unplaced, details(None, address=outside.label, place=outside.pk)
    )
    assert resident.place == outside and resident.position_approximate is False
    assert (resident.lat, resident.lon, resident.district) == (outside.lat, outside.lon, None)


def test_details_unchanged_keep_the_pick(operator_client, world):
    door = world["door"]
    resident = resident_make(
        address=door.label, place=door, district=world["flemingsberg"], lat=door.lat, lon=door.lon
    )
    request = helprequest_make(resident=resident)
    page = operator_client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert f'name="place" value="{door.pk}"' in page
    saved = details_save(
        operator_client,
        request,
        details(world["flemingsberg"], address=door.label, place="", name="Greta Ny"),
    )
    assert saved.place == door and (saved.lat, saved.lon) == (door.lat, door.lon)
    assert saved.name == "Greta Ny" and not saved.position_approximate


def test_details_match_needs_no_district_when_a_door_is_picked(operator_client, world):
    outside = world["outside"]
    volunteer_make(lat=outside.lat, lon=outside.lon)
    resident = resident_make(address="", district=None, lat=None, lon=None)
    request = helprequest_make(resident=resident)
    saved = details_save(
        operator_client,
        request,
        details(None, address=outside.label, place=outside.pk, then="match"),
    )
    assert saved.place == outside
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OFFERED


# Who reads the flag


def test_the_flag_is_shown_only_to_those_who_read_the_address(client, world, unplaced):
    coordinator = make_user("cora", "coordinator")
    organisation = organisation_make(coordinators=[coordinator])
    volunteer = volunteer_make(organisation=organisation)
    Offer.objects.create(request=unplaced, volunteer=volunteer, expires_at="2099-01-01T00:00:00Z")
    client.force_login(coordinator)
    page = client.get(reverse("request_detail", args=[unplaced.pk])).content.decode()
    assert page.count("Storgatan 7") == 0 and APPROXIMATE_SV not in page
    assert "what-approximate" not in page


# The suggestions


def suggest(client, q: str):
    return client.get(reverse("address_suggest"), {"q": q})


@pytest.mark.parametrize(
    "role, status",
    [("operator", 200), ("admin", 403), ("coordinator", 403), ("nobody", 403)],
)
def test_only_operators_get_suggestions(client, world, role, status):
    client.force_login(make_user(f"user-{role}", None if role == "nobody" else role))
    assert suggest(client, "storvretsv 1").status_code == status


def test_a_superuser_gets_suggestions_and_anonymous_is_sent_to_log_in(client, world):
    response = suggest(client, "storvretsv 1")
    assert response.status_code == 302 and response.url.startswith("/login/")
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert suggest(client, "storvretsv 1").status_code == 200


def test_suggestions_are_doors_and_districts_only(operator_client, world):
    door = world["door"]
    resident_make(name="Karin Berg", address=door.label, place=door)
    answer = suggest(operator_client, "storvretsv 1").json()
    assert answer["q"] == "storvretsv 1"
    assert answer["results"] == [
        {
            "id": door.pk,
            "label": "Storvretsvägen 1B, 141 52 Flemingsberg",
            "district": "Flemingsberg",
            "district_id": world["flemingsberg"].pk,
        }
    ]
    assert "Karin" not in suggest(operator_client, "storvretsv").content.decode()
    outside = suggest(operator_client, "nyvagen 3").json()["results"]
    assert outside == [
        {
            "id": world["outside"].pk,
            "label": world["outside"].label,
            "district": "",
            "district_id": None,
        }
    ]


def test_suggestions_are_at_most_eight_and_empty_for_nothing(operator_client, world):
    for number in range(2, 14):
        door_make("Storvretsvägen", str(number), district=world["flemingsberg"])
    assert len(suggest(operator_client, "storvretsvagen").json()["results"]) == 8
    assert suggest(operator_client, "").json()["results"] == []
    assert suggest(operator_client, "Ingenstansgränd 99").json()["results"] == []
    long = suggest(operator_client, "storvretsvägen " + "x" * 5000)
    assert long.status_code == 200 and len(long.json()["q"]) == 100


def test_suggestions_are_read_only(operator_client, world):
    response = operator_client.post(reverse("address_suggest"), {"q": "storvretsv"})
    assert response.status_code == 405


def test_the_intake_page_wires_the_field_to_the_register(operator_client, world):
    page = operator_client.get(reverse("intake")).content.decode()
    assert f'data-suggest="{reverse("address_suggest")}"' in page
    assert 'data-place="id_place"' in page and 'data-district="id_district"' in page
    assert 'type="hidden" name="place"' in page
    assert "helpdesk/address.js" in page
    assert settings.LANGUAGE_CODE == "sv" and "Adresser i registret" in page


@pytest.mark.parametrize("typed", ["door label", "storvretsvagen 1b", "1B Storvretsvägen"])
def test_a_full_address_typed_not_picked_is_its_door_when_the_register_names_one(
    operator_client, world, typed
):
    """The operator typed the whole address and tabbed on without picking: the one door it
    names is the door all the same, in its district, with no district chosen."""
    door = world["door"]
    address = door.label if typed == "door label" else typed
    resident = intake_resident(operator_client, address=address)
    assert resident.place == door and resident.position_approximate is False
    assert (resident.lat, resident.lon, resident.district) == (
        door.lat,
        door.lon,
        world["flemingsberg"],
    )


def test_a_typed_address_naming_several_doors_stays_approximate(operator_client, world):
    """ "Storvretsvägen 1" names no door where the register has only 1B (the number must
    be exact): typed so, it stays approximate at the chosen district's centre."""
    district = world["sjodalen"]
    resident = intake_resident(operator_client, address="Storvretsvägen 1", district=district.pk)
    assert resident.place is None and resident.position_approximate is True
    assert resident.district == district
