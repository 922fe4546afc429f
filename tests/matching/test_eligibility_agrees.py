"""The ranking of one request (SQL, matching.search) and the batch over many (arrays,
matching.batch) read the same rules (matching.eligibility). On random populations of
volunteers and requests they must agree on who may take each request, so the two renderings
of the rules cannot drift apart."""

import math
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.models import HelpRequest
from matching.batch import pairs_eligible, requests_load, volunteers_load
from matching.kinds import kinds_all
from matching.models import Offer
from matching.search import candidates_rank
from notifications.models import OptOut
from notifications.phones import phone_is_mobile
from tests.factories import (
    CENTRE,
    helprequest_make,
    landline,
    mobile,
    resident_make,
    volunteer_make,
)

pytestmark = pytest.mark.django_db

KM_LAT = 1 / 111.195
KM_LON = 1 / (111.195 * math.cos(math.radians(CENTRE[0])))
LANGUAGES = ["sv", "ar", "en"]
KINDS = [kind.code for kind in kinds_all()]
# An odd step keeps distances off the round radii, where the two distance formulas could
# round a pair to different sides of the line.
STEP_KM = 0.173


def position(cell: tuple[int, int]) -> dict:
    north, east = cell
    return {
        "lat": CENTRE[0] + north * STEP_KM * KM_LAT,
        "lon": CENTRE[1] + east * STEP_KM * KM_LON,
    }


cells = st.tuples(st.integers(-30, 30), st.integers(-30, 30))
volunteers = st.fixed_dictionaries(
    {
        "cell": cells,
        "skills": st.sets(st.sampled_from([*KINDS, "gardening"]), max_size=4),
        "languages": st.sets(st.sampled_from(LANGUAGES), max_size=2),
        "vetted": st.booleans(),
        "max_distance_km": st.sampled_from([2.0, 5.0, 9.5]),
        "max_open_tasks": st.integers(0, 2),
        "is_active": st.booleans() | st.just(True),
        "paused": st.booleans() | st.just(False),
        "opted_out": st.booleans() | st.just(False),
        "stopped": st.booleans() | st.just(False),
        "landline": st.booleans() | st.just(False),
        # Offers it holds elsewhere (pending or accepted): a place each.
        "held": st.integers(0, 2),
    }
)
requests = st.fixed_dictionaries(
    {
        "cell": cells,
        "kind": st.sampled_from(KINDS),
        "language": st.sampled_from(LANGUAGES),
        "radius_km": st.sampled_from([2.5, 5.0, 8.0]),
        "has_position": st.booleans() | st.just(True),
    }
)
populations = st.tuples(
    st.lists(volunteers, max_size=10),
    st.lists(requests, min_size=1, max_size=4),
    # (request, volunteer) pairs already offered, by index: nobody is asked twice.
    st.lists(st.tuples(st.integers(0, 1), st.integers(0, 3)), max_size=6),
)


def population_make(vols: list[dict], reqs: list[dict], asked: list[tuple[int, int]]):
    made = []
    elsewhere = helprequest_make(resident=resident_make(**position((0, 0))))
    for spec in vols:
        phone = landline() if spec["landline"] else mobile()
        volunteer = volunteer_make(
            phone=phone,
            skills=spec["skills"],
            languages=spec["languages"],
            vetted=spec["vetted"],
            max_distance_km=spec["max_distance_km"],
            max_open_tasks=spec["max_open_tasks"],
            is_active=spec["is_active"],
            paused=spec["paused"],
            opted_out=spec["opted_out"],
            **position(spec["cell"]),
        )
        if spec["stopped"]:
            OptOut.objects.create(phone=phone, opted_out=True)
        for n in range(spec["held"]):
            other = elsewhere if n == 0 else helprequest_make()
            Offer.objects.create(
                request=other,
                volunteer=volunteer,
                status=Offer.Status.PENDING,
                expires_at=timezone.now() + timedelta(hours=1),
            )
        made.append(volunteer)
    found = []
    for spec in reqs:
        where = position(spec["cell"]) if spec["has_position"] else {"lat": None, "lon": None}
        resident = resident_make(**where)
        found.append(
            helprequest_make(
                resident=resident,
                kind=spec["kind"],
                language=spec["language"],
                task_text="Uppgift",
                safe_callback_note="10–12",
            )
        )
        HelpRequest.objects.filter(pk=found[-1].pk).update(radius_km=spec["radius_km"])
        found[-1].radius_km = spec["radius_km"]
    for r, v in asked:
        if r < len(found) and v < len(made):
            Offer.objects.get_or_create(
                request=found[r],
                volunteer=made[v],
                defaults={"status": Offer.Status.DECLINED, "expires_at": timezone.now()},
            )
    return found


def by_ranking(request: HelpRequest) -> set[int]:
    return {c.volunteer_id for c in candidates_rank(request=request, limit=1000)}


def by_batch(found: list[HelpRequest]) -> dict[int, set[int]]:
    loaded, vols = requests_load(found), volunteers_load()
    req, vol, _km = pairs_eligible(loaded, vols)
    eligible: dict[int, set[int]] = {r.pk: set() for r in found}
    for i, v in zip(req.tolist(), vol.tolist(), strict=True):
        # The batch checks numbers for the pairs a plan chooses only (a landline among them
        # is dropped and the plan made again): the same rule, applied later.
        if phone_is_mobile(vols.phones[v]):
            eligible[loaded[i]["id"]].add(int(vols.ids[v]))
    return eligible


@settings(
    max_examples=30,
    deadline=None,
    # The database fixture is set up once; each example runs in a transaction of its own
    # and rolls it back, so no example sees another's rows.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(population=populations)
def test_ranking_and_batch_agree_on_who_may_take_each_request(population):
    with transaction.atomic():
        found = population_make(*population)
        batch = by_batch(found)
        for request in found:
            assert by_ranking(request) == batch[request.pk], request.kind
        transaction.set_rollback(True)


VOLUNTEER = {
    "cell": (1, 1),
    "skills": {"groceries"},
    "languages": {"sv"},
    "vetted": True,
    "max_distance_km": 5.0,
    "max_open_tasks": 2,
    "is_active": True,
    "paused": False,
    "opted_out": False,
    "stopped": False,
    "landline": False,
    "held": 1,
}
REQUEST = {"cell": (0, 0), "kind": "groceries", "language": "sv", "radius_km": 5.0}


def test_the_agreement_is_not_empty_and_nobody_is_asked_twice():
    """A population where both find someone, so the property above is not vacuous, and
    where both leave out the volunteer who was asked before."""
    found = population_make([VOLUNTEER, VOLUNTEER], [{**REQUEST, "has_position": True}], [(0, 1)])
    ranked = by_ranking(found[0])
    assert ranked == by_batch(found)[found[0].pk]
    assert len(ranked) == 1
