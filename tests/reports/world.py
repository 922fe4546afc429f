"""A small, hand-countable world for the report figures. The expected numbers in the tests
were worked out by hand from the comments here, not by running the code."""

import datetime as dt

from helpdesk.models import HelpRequest, TimelineEvent
from helpdesk.services import helprequest_transition
from matching.models import Capacity
from tests.factories import (
    district_make,
    helprequest_make,
    organisation_make,
    resident_make,
    volunteer_make,
)

S = HelpRequest.Status
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _request(
    district,
    *,
    kind="groceries",
    created,
    steps=(),
    language="sv",
    channel="phone",
    **resident,
):
    """`steps`: (minutes after creation, status, volunteer or None) in order."""
    person = resident_make(district=district, language=language, **resident)
    request = helprequest_make(resident=person, kind=kind, channel=channel)
    for _minutes, status, volunteer in steps:
        changes = {"assigned_volunteer": volunteer} if status == S.ASSIGNED else {}
        helprequest_transition(request=request, to=status, **changes)
    HelpRequest.objects.filter(pk=request.pk).update(created_at=created)
    TimelineEvent.objects.filter(request=request, kind="created").update(at=created)
    events = list(TimelineEvent.objects.filter(request=request, kind="status").order_by("id"))
    for event, (minutes, _status, _v) in zip(events, steps, strict=True):
        event.at = created + dt.timedelta(minutes=minutes)
        event.save(update_fields=["at"])
    return request


def equity_world(now: dt.datetime = NOW) -> dict:
    base = now - dt.timedelta(days=2)
    a = district_make(name="Alby", population_70_plus=2000)
    b = district_make(name="Balby", population_70_plus=500)
    org = organisation_make()
    org.districts.set([a, b])
    Capacity.objects.create(organisation=org, kind="groceries", district=a, per_week=2)
    # Shared between Alby and Balby: 2 each.
    Capacity.objects.create(organisation=org, kind="groceries", district=None, per_week=4)
    v1 = volunteer_make(organisation=org, district=a, skills={"groceries", "pharmacy"})
    volunteer_make(organisation=org, district=a, paused=True)
    volunteer_make(organisation=org, district=b, opted_out=True)
    volunteer_make(organisation=org, district=b, skills={"callback"})

    assigned = lambda minutes: (minutes, S.ASSIGNED, v1)  # noqa: E731
    r = {}
    # Alby groceries: matched after 10, 30 and 50 minutes; one escalated and never matched.
    r[1] = _request(a, created=base, steps=[assigned(10)], is_70_plus=True, lives_alone=True)
    r[2] = _request(a, created=base, steps=[assigned(30), (60, S.DONE, None)])
    r[3] = _request(a, created=base, steps=[(5, S.MATCHING, None), assigned(50)])
    r[4] = _request(a, created=base, steps=[(20, S.ESCALATED, None)])
    # Alby pharmacy, in Arabic: still matching, so unmet.
    r[5] = _request(a, kind="pharmacy", created=base, steps=[(1, S.MATCHING, None)], language="ar")
    # Balby: a callback the support line handled itself (not matched, not unmet), by SMS.
    r[6] = _request(b, kind="callback", created=base, steps=[(15, S.DONE, None)], channel="sms")
    # Balby groceries by voice: escalated, then matched after two hours.
    r[7] = _request(
        b,
        created=base,
        steps=[(30, S.ESCALATED, None), assigned(120)],
        channel="voice",
        chronic_illness=True,
    )
    # Forty days ago: only in the 90-day window. Matched after 5 minutes.
    r[8] = _request(a, created=now - dt.timedelta(days=40), steps=[assigned(5)])
    return {"alby": a, "balby": b, "org": org, "requests": r, "volunteer": v1}
