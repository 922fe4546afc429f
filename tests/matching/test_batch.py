import io

import pytest
from django.core.management import call_command

from helpdesk.models import HelpRequest
from helpdesk.offers import match_batch
from matching.batch import match_batch_plan
from matching.models import Offer
from tests.factories import CENTRE, helprequest_make, landline, resident_make, volunteer_make

pytestmark = pytest.mark.django_db

KM_LAT = 1 / 111.195


def at(km_north: float) -> dict:
    return {"lat": CENTRE[0] + km_north * KM_LAT, "lon": CENTRE[1]}


def request_at(km_north: float, **fields) -> HelpRequest:
    return helprequest_make(resident=resident_make(**at(km_north)), **fields)


def test_the_optimum_serves_both_where_greedy_serves_one():
    # A and B both want the same nearest volunteer X, but only A can reach Y. Greedy gives
    # X to whoever comes first; if that is A, B is left without anyone.
    x = volunteer_make(**at(0.0), max_distance_km=5, max_open_tasks=1)
    y = volunteer_make(**at(-4.0), max_distance_km=5, max_open_tasks=1)
    a = request_at(-1.0, urgency=HelpRequest.Urgency.URGENT)  # first in priority order
    b = request_at(2.0)
    plan = match_batch_plan()
    assert sorted(plan.pairs, key=lambda p: p[0]) == sorted(
        [(a.pk, y.pk, pytest.approx(3.0, abs=0.01)), (b.pk, x.pk, pytest.approx(2.0, abs=0.01))],
        key=lambda p: p[0],
    )
    assert plan.unserved == []


def test_capacity_is_respected_and_the_most_pressing_are_served_first():
    volunteer_make(**at(0), max_open_tasks=2)
    urgent = [request_at(0.5, urgency=HelpRequest.Urgency.URGENT) for _ in range(2)]
    calm = request_at(0.1, urgency=HelpRequest.Urgency.LOW)
    plan = match_batch_plan()
    assert sorted(r for r, _v, _k in plan.pairs) == sorted(r.pk for r in urgent)
    assert plan.unserved == [calm.pk]


def test_hard_constraints_hold_in_the_batch():
    volunteer_make(**at(0), vetted=False)  # no home visits
    volunteer_make(**at(0), languages={"sv"})
    arabic = volunteer_make(**at(3), languages={"ar"}, vetted=False)
    volunteer_make(**at(0), phone=landline())
    call = request_at(0, kind=HelpRequest.Kind.PHONE_FRIEND, language="ar")
    sensitive = request_at(0, kind=HelpRequest.Kind.REFERRAL)
    plan = match_batch_plan()
    assert (call.pk, arabic.pk) in [(r, v) for r, v, _k in plan.pairs]
    assert sensitive.pk not in [r for r, _v, _k in plan.pairs] + plan.unserved


def test_match_batch_sends_the_offers_and_escalates_the_rest():
    volunteer_make(**at(0), max_open_tasks=1)
    served = request_at(0.2, urgency=HelpRequest.Urgency.URGENT)
    stranded = request_at(0.3, urgency=HelpRequest.Urgency.LOW)
    match_batch()
    served.refresh_from_db()
    stranded.refresh_from_db()
    assert served.status == HelpRequest.Status.OFFERED
    assert Offer.objects.filter(request=served, status=Offer.Status.PENDING).count() == 1
    assert stranded.status == HelpRequest.Status.ESCALATED


def test_command_dry_run_sends_nothing():
    volunteer_make(**at(0))
    request_at(0.2)
    out = io.StringIO()
    call_command("match_batch", "--dry-run", stdout=out)
    assert "1 requests would get an offer" in out.getvalue()
    assert not Offer.objects.exists()
