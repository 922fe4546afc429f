"""A volunteer's home address on the partner form: found in the register, the volunteer is
at its door and in its district; not found, ambiguous or cleared, at the district's centre,
flagged approximate, and the coordinator is told. The address is the organisation's own."""

import pytest
from django.contrib.auth.models import User

from helpdesk.models import BoardEvent, TimelineEvent
from helpdesk.offers import helprequest_match, offer_accept
from matching.models import Offer, Volunteer
from notifications.models import Message
from tests.conftest import make_user
from tests.factories import (
    address_make,
    district_make,
    helprequest_make,
    organisation_make,
    resident_make,
    volunteer_make,
)

pytestmark = pytest.mark.django_db

DOOR = (59.2201, 17.9402)


@pytest.fixture
def world(client):
    coordinator = make_user("cora", "coordinator")
    ours = organisation_make(name="Röda Korset", coordinators=[coordinator])
    alby = district_make(name="Alby", code="alby", lat=59.2390, lon=17.8440)
    flemingsberg = district_make(name="Flemingsberg", code="flemingsberg", lat=59.2190, lon=17.9470)
    door = address_make(
        "Storvretsvägen",
        "1",
        letter="B",
        postcode="14152",
        locality="Flemingsberg",
        district=flemingsberg,
        lat=DOOR[0],
        lon=DOOR[1],
    )
    # The same street and number in two localities: the address alone names neither.
    for locality, postcode in (("Huddinge", "14130"), ("Tumba", "14730")):
        address_make("Storgatan", "1", postcode=postcode, locality=locality, district=alby)
    client.force_login(coordinator)
    return {
        "client": client,
        "ours": ours,
        "alby": alby,
        "flemingsberg": flemingsberg,
        "door": door,
    }


def form(chosen, **fields) -> dict:
    values = {
        "first_name": "Nils",
        "last_name": "N",
        "phone": "070 555 66 77",
        "district": chosen.pk,
        "languages": ["sv"],
        "skills": ["groceries"],
        "max_distance_km": "3",
        "max_open_tasks": "2",
    }
    values.update(fields)
    return values


def save(world, volunteer=None, **fields):
    ours = world["ours"]
    path = (
        f"/partners/{ours.pk}/volunteers/{volunteer.pk}/"
        if volunteer
        else f"/partners/{ours.pk}/volunteers/add/"
    )
    response = world["client"].post(path, form(world["alby"], **fields), follow=True)
    assert response.status_code == 200
    assert not response.context.get("form"), response.context["form"].errors
    return response.content.decode(), Volunteer.objects.get(phone="+46705556677")


def test_a_found_address_places_the_volunteer_at_the_door_and_in_its_district(world):
    page, nils = save(world, address="storvretsv 1 b", postcode="141 52")
    assert nils.place == world["door"] and (nils.lat, nils.lon) == DOOR
    assert nils.position_approximate is False
    assert nils.address == "storvretsv 1 b" and nils.postcode == "14152"
    # Alby was chosen, the door is in Flemingsberg: the address wins, and the notice says so.
    assert nils.district == world["flemingsberg"]
    assert "Flemingsberg" in page and "Alby" in page and "kommundelen följer adressen" in page
    edit = world["client"].get(f"/partners/{world['ours'].pk}/volunteers/{nils.pk}/")
    assert "Storvretsvägen 1B, 141 52 Flemingsberg" in edit.content.decode()


def test_an_address_not_in_the_register_falls_back_to_the_centre_and_says_so(world):
    page, nils = save(world, address="Xgatan 3")
    alby = world["alby"]
    assert nils.place is None and (nils.lat, nils.lon) == (alby.lat, alby.lon)
    assert nils.position_approximate is True and nils.district == alby
    assert "adressen ”Xgatan 3” finns inte i adressregistret" in page.replace("“", "”")
    # The list says which volunteers are at a centre.
    assert "position ungefärlig" in page


def test_an_ambiguous_address_falls_back_and_says_it_matches_several(world):
    page, nils = save(world, address="Storgatan 1")
    assert nils.place is None and nils.position_approximate is True
    assert "flera" in page and "Storgatan 1" in page
    # With the postcode it names one door.
    page, nils = save(world, nils, address="Storgatan 1", postcode="14730")
    assert nils.place is not None and nils.place.locality == "Tumba"
    assert nils.position_approximate is False


def test_no_address_is_optional_and_placed_at_the_centre(world):
    page, nils = save(world)
    alby = world["alby"]
    assert (nils.lat, nils.lon) == (alby.lat, alby.lon) and nils.position_approximate is True


def test_a_changed_address_is_looked_up_again_and_a_cleared_one_falls_back(world):
    _page, nils = save(world, address="Xgatan 3")
    assert nils.position_approximate
    _page, nils = save(world, nils, address="Storvretsvägen 1B")
    assert nils.place == world["door"] and not nils.position_approximate
    # Saving again unchanged keeps the door (and the district the door gave).
    _page, nils = save(world, nils, address="Storvretsvägen 1B", district=nils.district_id)
    assert nils.place == world["door"] and (nils.lat, nils.lon) == DOOR
    _page, nils = save(world, nils, address="", district=world["flemingsberg"].pk)
    flemingsberg = world["flemingsberg"]
    assert nils.place is None and nils.position_approximate
    assert (nils.lat, nils.lon) == (flemingsberg.lat, flemingsberg.lon)


def test_a_postcode_that_is_not_five_digits_is_refused_and_nothing_is_saved(world):
    response = world["client"].post(
        f"/partners/{world['ours'].pk}/volunteers/add/",
        form(world["alby"], address="Storvretsvägen 1B", postcode="1415"),
    )
    assert response.status_code == 200 and "fem siffror" in response.content.decode()
    assert not Volunteer.objects.filter(phone="+46705556677").exists()


def test_another_organisations_coordinator_never_sees_the_address(world, client):
    _page, nils = save(world, address="Storvretsvägen 1B")
    ours = world["ours"]
    other = make_user("otto", "coordinator")
    organisation_make(name="Other club", coordinators=[other])
    client.force_login(other)
    for path in (
        f"/partners/{ours.pk}/",
        f"/partners/{ours.pk}/volunteers/{nils.pk}/",
        f"/partners/{ours.pk}/volunteers.csv",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"Storvretsv" not in response.content
    # Their own pages never list it either.
    for path in ("/partners/", "/partners/?removed=1"):
        response = client.get(path, follow=True)
        assert b"Storvretsv" not in response.content and b"Nils" not in response.content
    # Their own organisation's coordinator does see it, on the form and in the export.
    client.force_login(User.objects.get(username="cora"))
    page = client.get(f"/partners/{ours.pk}/volunteers/{nils.pk}/").content.decode()
    assert 'value="Storvretsvägen 1B"' in page
    assert "Storvretsvägen 1B" in client.get(f"/partners/{ours.pk}/volunteers.csv").content.decode(
        "utf-8-sig"
    )


def test_the_address_is_in_no_sms_and_on_no_card(world, django_capture_on_commit_callbacks):
    """An offer goes to the volunteer, the news of it to the resident: neither carries where
    the volunteer lives, nor does the board's or the timeline's record of the request."""
    _page, nils = save(world, address="Storvretsvägen 1B", postcode="14152", vetted="on")
    resident = resident_make(district=world["flemingsberg"], lat=DOOR[0] + 0.002, lon=DOOR[1])
    request = helprequest_make(resident=resident)
    with django_capture_on_commit_callbacks(execute=True):
        assert helprequest_match(request=request) == "offered"
    (offer,) = request.offers.all()
    assert offer.volunteer == nils
    with django_capture_on_commit_callbacks(execute=True):
        offer_accept(offer=offer)
    sent = list(Message.objects.filter(direction="out").values_list("phone", "body"))
    assert {phone for phone, _body in sent} >= {str(nils.phone), str(resident.phone)}
    records = [body for _phone, body in sent]
    records += [str(e.card) for e in BoardEvent.objects.all()]
    records += [str(e.data) + e.text for e in TimelineEvent.objects.all()]
    for record in records:
        assert "Storvretsv" not in record and "14152" not in record and "141 52" not in record


def test_removing_a_volunteer_with_history_forgets_their_address_and_door(world):
    _page, nils = save(world, address="Storvretsvägen 1B", postcode="14152")
    request = helprequest_make()
    Offer.objects.create(request=request, volunteer=nils, expires_at=request.created_at)
    world["client"].post(
        f"/partners/{world['ours'].pk}/volunteers/{nils.pk}/remove/", {"confirm": "yes"}
    )
    nils.refresh_from_db()
    flemingsberg = world["flemingsberg"]
    assert not nils.is_active and nils.address == "" and nils.postcode == ""
    assert nils.place is None and nils.position_approximate
    assert (nils.lat, nils.lon) == (flemingsberg.lat, flemingsberg.lon)


def test_a_volunteer_without_history_is_deleted_with_their_address(world):
    _page, nils = save(world, address="Storvretsvägen 1B")
    world["client"].post(
        f"/partners/{world['ours'].pk}/volunteers/{nils.pk}/remove/", {"confirm": "yes"}
    )
    assert not Volunteer.objects.filter(pk=nils.pk).exists()
    assert not Volunteer.objects.filter(address__icontains="Storvretsv").exists()


def test_the_list_marks_approximate_positions_only(world):
    ours = world["ours"]
    volunteer_make(organisation=ours, first_name="Dörr", position_approximate=False)
    volunteer_make(organisation=ours, first_name="Mitt", position_approximate=True)
    page = world["client"].get(f"/partners/{ours.pk}/").content.decode()
    rows = {
        row.split("</th>")[0]: row for row in page.split("<tr>") if "Dörr" in row or "Mitt" in row
    }
    (door_row,) = [r for r in rows.values() if "Dörr" in r]
    (centre_row,) = [r for r in rows.values() if "Mitt" in r]
    assert "position ungefärlig" in centre_row and "position ungefärlig" not in door_row
