"""The offer SMS tells the volunteer the distance as truly as it is known: tenths of a
kilometre between two doors, "about" and whole kilometres where either end is a district's
centre, in each of the volunteer's languages."""

import pytest

from helpdesk.offers import offers_send
from languages.registry import codes
from notifications.models import Message
from tests.factories import CENTRE, helprequest_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db

KM_LAT = 1 / 111.195
# The word each language says "about" with, as the offer SMS writes it.
ABOUT = {"sv": "cirka 1 km", "en": "about 1 km", "fi": "noin 1 km", "tr": "yaklaşık 1 km"}
ABOUT["ar"] = "حوالي 1 كم"


def offer_body(*, resident_approximate: bool, volunteer_approximate: bool, language):
    volunteer = volunteer_make(
        lat=CENTRE[0] + 1.2 * KM_LAT,
        lon=CENTRE[1],
        language=language,
        position_approximate=volunteer_approximate,
    )
    resident = resident_make(position_approximate=resident_approximate)
    request = helprequest_make(resident=resident)
    offers_send(request=request, volunteers=[volunteer])
    (body,) = Message.objects.filter(phone=str(volunteer.phone)).values_list("body", flat=True)
    return body


@pytest.mark.parametrize("language", sorted(set(codes()) & set(ABOUT)))
def test_between_two_doors_the_offer_gives_tenths(language):
    body = offer_body(resident_approximate=False, volunteer_approximate=False, language=language)
    assert ("1.2" if language == "en" else "1,2") in body, body
    assert ABOUT[language] not in body


@pytest.mark.parametrize("language", sorted(set(codes()) & set(ABOUT)))
@pytest.mark.parametrize("side", ["resident", "volunteer"])
def test_a_district_centre_at_either_end_gives_about_whole_kilometres(sms_outbox, language, side):
    body = offer_body(
        resident_approximate=side == "resident",
        volunteer_approximate=side == "volunteer",
        language=language,
    )
    assert ABOUT[language] in body, body
    assert "1,2" not in body and "1.2" not in body


def test_the_offer_rounds_the_distance_as_the_ranking_does():
    """1.27 km is "1,3 km" on the operator's screen and in the volunteer's SMS alike: Django's
    number_format cuts decimals, so the figure is rounded before it is formatted."""
    from matching.search import candidates_rank

    volunteer = volunteer_make(lat=CENTRE[0] + 1.27 * KM_LAT, lon=CENTRE[1], language="sv")
    request = helprequest_make(resident=resident_make(position_approximate=False))
    (candidate,) = candidates_rank(request=request)
    assert candidate.distance_text in ("1.3 km", "1,3 km")
    offers_send(request=request, volunteers=[volunteer])
    (body,) = Message.objects.filter(phone=str(volunteer.phone)).values_list("body", flat=True)
    assert "1,3 km" in body, body
