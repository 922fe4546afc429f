"""The distance reason tells the truth about the positions it comes from: kilometres between
two doors, "≈ district centre" where either end is a district's centre, in the reader's
language, on the ranking, on the request page and in the offer's timeline."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from helpdesk.offers import offers_send
from helpdesk.timeline_texts import timeline_text
from matching.search import candidates_rank, reason_text
from tests.factories import CENTRE, helprequest_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db

KM_LAT = 1 / 111.195
NORTH_1_2 = {"lat": CENTRE[0] + 1.2 * KM_LAT, "lon": CENTRE[1]}


def distance_reason(request, language: str) -> tuple[str, list[str]]:
    with override(language):
        (candidate,) = candidates_rank(request=request)
    return candidate.distance_text, candidate.reasons


def test_between_two_doors_the_reason_is_kilometres():
    volunteer_make(**NORTH_1_2, position_approximate=False)
    request = helprequest_make(resident=resident_make(position_approximate=False))
    assert distance_reason(request, "en") == ("1.2 km", distance_reason(request, "en")[1])
    assert distance_reason(request, "en")[1][0] == "1.2 km"
    assert distance_reason(request, "sv")[1][0] == "1,2 km"


def test_a_resident_at_the_district_centre_gives_no_kilometres():
    volunteer_make(**NORTH_1_2)
    request = helprequest_make(resident=resident_make(position_approximate=True))
    text, reasons = distance_reason(request, "en")
    assert text == "≈ district centre" and reasons[0] == "≈ district centre"
    assert not any(r.endswith(" km") for r in reasons)
    text, reasons = distance_reason(request, "sv")
    assert text == "≈ kommundelens mitt" and reasons[0] == "≈ kommundelens mitt"


def test_a_resident_with_no_position_of_their_own_is_placed_approximately():
    volunteer_make(**NORTH_1_2)
    # No position saved: the district's centre stands in (search.request_position).
    request = helprequest_make(resident=resident_make(lat=None, lon=None))
    assert distance_reason(request, "en")[0] == "≈ district centre"


def test_a_volunteer_at_their_district_centre_gives_no_kilometres():
    near = volunteer_make(**NORTH_1_2, position_approximate=True)
    door = volunteer_make(lat=CENTRE[0] + 0.5 * KM_LAT, lon=CENTRE[1])
    request = helprequest_make(resident=resident_make(position_approximate=False))
    with override("sv"):
        ranked = {c.volunteer_id: c for c in candidates_rank(request=request)}
    assert ranked[near.pk].reasons[0] == "≈ kommundelens mitt"
    assert ranked[door.pk].reasons[0] == "0,5 km"
    # The code keeps the number for ordering and figures; only the words change.
    code, params = ranked[near.pk].reason_codes[0]
    assert code == "km" and params == {"km": 1.2, "approximate": True}


def test_reason_text_renders_in_the_readers_language():
    params = {"km": 1.4, "approximate": True}
    with override("en"):
        assert reason_text("km", params) == "≈ district centre"
        assert reason_text("km", {"km": 1.4}) == "1.4 km"
    with override("sv"):
        assert reason_text("km", params) == "≈ kommundelens mitt"
        assert reason_text("km", {"km": 1.4}) == "1,4 km"


def test_the_request_page_and_the_offer_timeline_say_it_too(operator_client):
    volunteer = volunteer_make(**NORTH_1_2)
    request = helprequest_make(resident=resident_make(position_approximate=True))
    page = operator_client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "≈ kommundelens mitt" in page and "1,2 km" not in page
    offers_send(request=request, volunteers=[volunteer])
    event = request.timeline.get(kind="offer_sent")
    with override("en"):
        assert "≈ district centre" in timeline_text(event)
    with override("sv"):
        assert "≈ kommundelens mitt" in timeline_text(event)
