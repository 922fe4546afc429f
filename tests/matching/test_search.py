from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from helpdesk.models import HelpRequest
from matching.models import Offer, Volunteer
from matching.search import (
    bounding_box,
    candidates_rank,
    haversine_km,
    volunteers_near,
)
from notifications.models import OptOut
from tests.factories import (
    CENTRE,
    helprequest_make,
    landline,
    resident_make,
    volunteer_make,
)

pytestmark = pytest.mark.django_db

KM_LAT = 1 / 111.195  # degrees of latitude per km


def north(km: float) -> dict:
    return {"lat": CENTRE[0] + km * KM_LAT, "lon": CENTRE[1]}


def ranked(request, **kw):
    with override("en"):
        return candidates_rank(request=request, **kw)


def ids(candidates) -> list[int]:
    return [c.volunteer_id for c in candidates]


def test_haversine_matches_a_known_distance():
    # Stockholm central to Uppsala central is about 64 km.
    assert haversine_km(59.3303, 18.0586, 59.8586, 17.6389) == pytest.approx(64.0, abs=1.0)


def test_bounding_box_contains_the_circle():
    lat_min, lat_max, lon_min, lon_max = bounding_box(*CENTRE, 5)
    assert haversine_km(*CENTRE, lat_max, CENTRE[1]) == pytest.approx(5, rel=1e-3)
    assert haversine_km(*CENTRE, CENTRE[0], lon_max) >= 5


def near(request) -> dict[int, float]:
    position = (request.resident.lat, request.resident.lon)
    return {row.id: distance for row, distance in volunteers_near(request, *position)}


def test_volunteers_near_cuts_at_the_radius_and_gives_distances():
    far = volunteer_make(**north(6))
    near_one = volunteer_make(**north(1))
    south = volunteer_make(lat=CENTRE[0] - 4.9 * KM_LAT, lon=CENTRE[1])
    found = near(helprequest_make())
    assert set(found) == {near_one.pk, south.pk}
    assert far.pk not in found
    assert found[near_one.pk] == pytest.approx(1.0, abs=0.01)


def test_volunteers_near_keeps_to_the_volunteers_own_maximum_distance():
    volunteer_make(**north(3), max_distance_km=2)
    willing = volunteer_make(**north(3), max_distance_km=4)
    assert set(near(helprequest_make())) == {willing.pk}


def test_volunteers_near_crosses_latitude_cells_and_zero():
    here = volunteer_make(lat=-0.001, lon=10.0)
    there = volunteer_make(lat=0.004, lon=10.0)
    volunteer_make(lat=0.02, lon=10.0)  # 2.2 km away
    request = helprequest_make(resident=resident_make(lat=0.0, lon=10.0))
    request.radius_km = 1
    assert set(near(request)) == {here.pk, there.pk}


def test_a_nearby_available_volunteer_is_a_candidate_with_reasons():
    volunteer = volunteer_make(**north(1.2), languages={"sv", "ar"})
    request = helprequest_make(resident=resident_make(language="ar"))
    (candidate,) = ranked(request)
    assert candidate.volunteer_id == volunteer.pk
    assert candidate.name == str(volunteer)
    assert candidate.organisation == volunteer.organisation.name
    assert candidate.distance_km == pytest.approx(1.2, abs=0.01)
    assert candidate.reasons[:3] == ["1.2 km", "speaks Arabic", "0 open tasks"]
    assert "no task yet" in candidate.reasons
    assert "new to offers" in candidate.reasons


def test_reasons_are_swedish_by_default():
    volunteer_make(**north(1.2), languages={"sv", "ar"})
    request = helprequest_make(resident=resident_make(language="ar"))
    with override("sv"):
        (candidate,) = candidates_rank(request=request)
    assert candidate.reasons_text.startswith("1,2 km · talar arabiska · 0 öppna uppdrag")


@pytest.mark.parametrize(
    "fields",
    [
        {"is_active": False},
        {"paused": True},
        {"opted_out": True},
        {"skills": {"callback"}},
        {"vetted": False},
        {"max_open_tasks": 0},
        {"max_distance_km": 1.0},
        {"phone": landline()},
    ],
    ids=[
        "inactive",
        "paused",
        "opted-out",
        "no-skill",
        "not-vetted-for-home-visit",
        "full",
        "beyond-own-max-distance",
        "landline",
    ],
)
def test_each_hard_constraint_excludes(fields):
    keep = volunteer_make(**north(2))
    values = {**north(2), **fields}
    if "phone" in values:
        values["phone"] = fields["phone"]
    excluded = volunteer_make(**values)
    request = helprequest_make()
    assert ids(ranked(request)) == [keep.pk]
    assert excluded.pk not in ids(ranked(request))


def test_an_optout_row_excludes_even_when_the_flag_was_not_mirrored():
    keep = volunteer_make(**north(1))
    stopped = volunteer_make(**north(0.5))
    OptOut.objects.create(phone=str(stopped.phone), opted_out=True)
    assert ids(ranked(helprequest_make())) == [keep.pk]


def test_open_tasks_and_pending_offers_count_against_the_maximum():
    busy = volunteer_make(**north(0.5), max_open_tasks=1)
    for status in (Offer.Status.ACCEPTED, Offer.Status.PENDING):
        other = helprequest_make()
        Offer.objects.create(
            request=other,
            volunteer=busy,
            status=status,
            expires_at=timezone.now() + timedelta(minutes=5),
        )
        assert busy.pk not in ids(ranked(helprequest_make()))
        Offer.objects.filter(request=other).update(status=Offer.Status.DONE)


def test_the_requests_radius_limits_too():
    volunteer_make(**north(3), max_distance_km=10)
    request = helprequest_make()
    assert len(ranked(request)) == 1
    request.radius_km = 2
    assert ranked(request) == []


def test_unvetted_volunteers_can_take_a_conversation():
    volunteer = volunteer_make(**north(1), vetted=False)
    assert ids(ranked(helprequest_make(kind=HelpRequest.Kind.PHONE_FRIEND))) == [volunteer.pk]


def test_conversations_need_a_shared_language():
    speaks = volunteer_make(**north(2), languages={"tr", "sv"})
    volunteer_make(**north(0.5), languages={"sv"})
    request = helprequest_make(
        kind=HelpRequest.Kind.CALLBACK, resident=resident_make(language="tr")
    )
    assert ids(ranked(request)) == [speaks.pk]


def test_sensitive_requests_have_no_candidates():
    volunteer_make(**north(0.5), skills={"referral", "groceries"})
    request = helprequest_make(kind=HelpRequest.Kind.REFERRAL)
    assert request.sensitive
    assert ranked(request) == []


def test_volunteers_already_offered_this_request_are_left_out():
    offered = volunteer_make(**north(0.5))
    other = volunteer_make(**north(1))
    request = helprequest_make()
    Offer.objects.create(
        request=request,
        volunteer=offered,
        status=Offer.Status.DECLINED,
        expires_at=timezone.now(),
    )
    assert ids(ranked(request)) == [other.pk]


def test_no_position_no_candidates():
    volunteer_make(**north(0.5))
    resident = resident_make(lat=None, lon=None, district=None)
    assert ranked(helprequest_make(resident=resident)) == []


def test_district_centre_stands_in_for_a_missing_address():
    volunteer = volunteer_make(**north(0.5))
    resident = resident_make(lat=None, lon=None)
    assert ids(ranked(helprequest_make(resident=resident))) == [volunteer.pk]


# Soft score: each component moves a candidate, and says so.


def test_nearer_ranks_higher_all_else_equal():
    far = volunteer_make(**north(3))
    near = volunteer_make(**north(1))
    assert ids(ranked(helprequest_make())) == [near.pk, far.pk]


def test_shared_language_outweighs_a_little_distance():
    swedish = volunteer_make(**north(1.0))
    arabic = volunteer_make(**north(1.5), languages={"sv", "ar"})
    request = helprequest_make(resident=resident_make(language="ar"))
    candidates = ranked(request)
    assert ids(candidates) == [arabic.pk, swedish.pk]
    assert "speaks Arabic" not in candidates[1].reasons


def test_load_counts_against():
    loaded = volunteer_make(**north(1.0), max_open_tasks=3)
    free = volunteer_make(**north(1.5))
    Offer.objects.create(
        request=helprequest_make(),
        volunteer=loaded,
        status=Offer.Status.ACCEPTED,
        expires_at=timezone.now(),
    )
    candidates = ranked(helprequest_make())
    assert ids(candidates) == [free.pk, loaded.pk]
    assert "1 open task" in candidates[1].reasons


def test_rest_since_last_task_spreads_the_work():
    now = timezone.now()
    recent = volunteer_make(**north(1.0), last_task_at=now - timedelta(hours=2))
    rested = volunteer_make(**north(1.5), last_task_at=now - timedelta(days=20))
    candidates = ranked(helprequest_make())
    assert ids(candidates) == [rested.pk, recent.pk]
    assert "last task today" in candidates[1].reasons
    assert "last task 20 days ago" in candidates[0].reasons


def test_response_record_counts():
    silent = volunteer_make(**north(1.0), offers_received=10, offers_answered=0)
    answers = volunteer_make(**north(1.5), offers_received=10, offers_answered=9)
    candidates = ranked(helprequest_make())
    assert ids(candidates) == [answers.pk, silent.pk]
    assert "answers 90 % of offers" in candidates[0].reasons
    assert "answers 0 % of offers" in candidates[1].reasons


def test_continuity_for_phone_friends():
    resident = resident_make()
    before = volunteer_make(**north(3.0))
    stranger = volunteer_make(**north(0.5))
    Offer.objects.create(
        request=helprequest_make(kind=HelpRequest.Kind.PHONE_FRIEND, resident=resident),
        volunteer=before,
        status=Offer.Status.DONE,
        expires_at=timezone.now(),
    )
    request = helprequest_make(kind=HelpRequest.Kind.PHONE_FRIEND, resident=resident)
    candidates = ranked(request)
    assert ids(candidates) == [before.pk, stranger.pk]
    assert "has helped this person before" in candidates[0].reasons


def test_limit_and_score_order():
    for km in (0.5, 1, 1.5, 2, 2.5):
        volunteer_make(**north(km))
    candidates = ranked(helprequest_make(), limit=3)
    assert len(candidates) == 3
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)


def test_many_volunteers_outside_the_box_are_never_read(django_assert_max_num_queries):
    Volunteer.objects.bulk_create(
        Volunteer(
            first_name="Far",
            phone=f"+4670300{i:04d}",
            organisation=volunteer_make(**north(50)).organisation,
            lat=CENTRE[0] + 1 + i * 0.001,
            lon=CENTRE[1],
            skills={"groceries"},
            vetted=True,
        )
        for i in range(200)
    )
    near = volunteer_make(**north(1))
    request = helprequest_make()
    with django_assert_max_num_queries(6):
        assert ids(candidates_rank(request=request)) == [near.pk]


def test_the_reasons_beside_a_distance_column_do_not_repeat_the_distance():
    request = helprequest_make()
    volunteer_make(**north(1.4), languages={"sv", "ar"})
    volunteer_make(**north(2.2))
    for candidate in ranked(request):
        beside = candidate.reasons_beside_distance
        assert len(beside) == len(candidate.reasons) - 1
        assert not any(text.endswith(" km") for text in beside), beside
        assert candidate.reasons[0].endswith(" km")
