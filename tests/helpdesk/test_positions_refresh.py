"""positions_refresh: residents and volunteers still at a district's centre are looked up by
their address; found, they move to the door; not, they stay and are flagged, with the reason.
A dry run changes nothing; a second run finds nothing more to do."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpdesk.models import Resident
from matching.models import Volunteer
from matching.search import haversine_km
from tests.factories import address_make, district_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db

ALBY = (59.2390, 17.8440)
DOOR = (59.2201, 17.9402)


@pytest.fixture
def world():
    alby = district_make(name="Alby", code="alby", lat=ALBY[0], lon=ALBY[1])
    flemingsberg = district_make(name="Flemingsberg", code="flemingsberg", lat=59.219, lon=17.947)
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
    for locality, postcode in (("Huddinge", "14130"), ("Tumba", "14730")):
        address_make("Storgatan", "1", postcode=postcode, locality=locality, district=alby)
    at_alby = dict(district=alby, lat=ALBY[0], lon=ALBY[1])
    people = {
        "found": resident_make(address="Storvretsvägen 1B", **at_alby),
        "not_found": resident_make(address="Xgatan 3", position_approximate=True, **at_alby),
        "no_address": resident_make(address="", **at_alby),
        "ambiguous": resident_make(address="Storgatan 1", **at_alby),
        "no_position": resident_make(
            address="Storvretsvagen 1 b", district=None, lat=None, lon=None
        ),
        "anonymised": resident_make(
            address="Storvretsvägen 1B", anonymised_at=timezone.now(), **at_alby
        ),
        "at_door": resident_make(
            address="Storvretsvägen 1B", place=door, district=flemingsberg, lat=DOOR[0], lon=DOOR[1]
        ),
    }
    volunteers = {
        "found": volunteer_make(
            address="Storvretsvägen 1B", postcode="14152", position_approximate=True, **at_alby
        ),
        "no_address": volunteer_make(**at_alby),
        "at_door": volunteer_make(
            address="Storvretsvägen 1B", place=door, district=flemingsberg, lat=DOOR[0], lon=DOOR[1]
        ),
    }
    return {"alby": alby, "flemingsberg": flemingsberg, "door": door, "r": people, "v": volunteers}


def state() -> list[tuple]:
    fields = ("pk", "place_id", "lat", "lon", "district_id", "position_approximate")
    return [
        *Resident.objects.order_by("pk").values_list(*fields),
        *Volunteer.objects.order_by("pk").values_list(*fields),
    ]


def refresh(*args: str) -> str:
    out = io.StringIO()
    call_command("positions_refresh", "--batch-size", "2", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_and_changes_nothing(world):
    before = state()
    text = refresh("--dry-run")
    assert state() == before
    moved = haversine_km(*ALBY, *DOOR)
    assert text.splitlines() == [
        "Dry run: nothing was changed.",
        "residents: 5 checked; 2 found (moved median "
        f"{moved * 1000:.0f} m, at most {moved:.1f} km; 2 to another district); "
        "3 still approximate (1 no address, 1 not found, 1 ambiguous)",
        f"volunteers: 2 checked; 1 found (moved median {moved * 1000:.0f} m, at most "
        f"{moved:.1f} km; 1 to another district); 1 still approximate (1 no address)",
    ]


def test_the_real_run_moves_the_found_and_flags_the_rest_and_a_second_run_does_nothing(world):
    r, v, door = world["r"], world["v"], world["door"]
    refresh()
    for row in (r["found"], r["no_position"], v["found"]):
        row.refresh_from_db()
        assert row.place == door and (row.lat, row.lon) == DOOR
        assert row.district == world["flemingsberg"] and not row.position_approximate
    for row in (r["not_found"], r["no_address"], r["ambiguous"], v["no_address"]):
        row.refresh_from_db()
        assert row.place is None and row.position_approximate
        assert (row.lat, row.lon, row.district) == (*ALBY, world["alby"])
    # The anonymised resident is left alone (no address of theirs is looked up).
    r["anonymised"].refresh_from_db()
    assert r["anonymised"].place is None and not r["anonymised"].position_approximate

    after = state()
    text = refresh()
    assert state() == after
    assert text.splitlines() == [
        "residents: 3 checked; 0 found; 3 still approximate (1 no address, 1 not found, "
        "1 ambiguous)",
        "volunteers: 1 checked; 0 found; 1 still approximate (1 no address)",
    ]


def test_verbose_lines_name_rows_by_id_never_by_address(world):
    out = io.StringIO()
    call_command("positions_refresh", "--dry-run", verbosity=2, stdout=out)
    text = out.getvalue()
    assert f"resident {world['r']['not_found'].pk}: not found" in text
    assert f"volunteer {world['v']['found'].pk}: moved " in text
    assert "Storvretsv" not in text and "Xgatan" not in text


def test_a_batch_size_below_one_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1"):
        call_command("positions_refresh", "--batch-size", "0", stdout=io.StringIO())
