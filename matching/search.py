"""Who could take a request: the nearby search, the hard constraints and the soft score.

Every fixed yes/no rule runs in the database; distances and the score are computed on the
few hundred rows inside the bounding box, and the rules that count offers are checked for
the few dozen near the top only. `volunteers_near` is the one place that knows about
geometry, so a PostGIS version (ST_DWithin on a geography column) can replace it.
"""

import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from django.db import connection
from django.db.models import FloatField, Func
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk.models import HelpRequest
from notifications.phones import phone_is_mobile

from .eligibility import (
    eligibility_for,
    eligibility_sql,
    has_room,
    request_for_volunteers,
    within_reach,
)
from .fields import lat_cell
from .kinds import kind_get
from .language_names import language_name
from .models import Offer, volunteer_name

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.195

# Soft score, in kilometre-equivalents: a candidate's cost is their distance plus these.
# One shared language is worth a kilometre; an open task costs most of one.
LANGUAGE_BONUS_KM = 1.0
LOAD_PENALTY_KM = 0.75
REST_BONUS_KM = 1.0  # full after REST_DAYS without a task, spreading the work
REST_DAYS = 14
RESPONSE_PENALTY_KM = 1.5  # for a volunteer who lets every offer expire
RESPONSE_MIN_OFFERS = 3  # fewer offers than this say nothing yet
CONTINUITY_BONUS_KM = 3.0  # the phone friend the resident already knows
# Scores are shown as points: this many, minus the cost.
SCORE_BASE = 10.0


# Days from a timestamp column to now, computed by the database: reading a float spares a
# datetime conversion per row, which is most of a row's cost in Python.
DAYS_SINCE_SQL = {
    "sqlite": "(julianday('now') - julianday({}))",
    "postgresql": (
        "CAST(EXTRACT(EPOCH FROM (CURRENT_TIMESTAMP - {})) / 86400 AS double precision)"
    ),
}


class DaysSince(Func):
    """DAYS_SINCE_SQL for the ORM."""

    arity = 1
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return DAYS_SINCE_SQL[connection.vendor].format(sql), params


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / KM_PER_DEGREE_LAT
    # Widest at the edge nearest the pole; clamp so the box stays finite near it.
    cos_lat = max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6)
    dlon = radius_km / (KM_PER_DEGREE_LAT * cos_lat)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


@lru_cache(maxsize=65536)
def _is_mobile(phone: str) -> bool:
    return phone_is_mobile(phone)


@dataclass
class Candidate:
    """One volunteer as the ranking sees them. Whoever acts on a candidate (an offer, a
    direct assignment) loads the volunteer itself, for the few it acts on."""

    volunteer_id: int
    name: str
    organisation: str
    distance_km: float
    score: float
    reasons: list[str] = field(default_factory=list)
    # The same reasons as codes and parameters (reason_text), for a text rendered later.
    reason_codes: list[tuple[str, dict]] = field(default_factory=list)
    cost_km: float = 0.0
    open_tasks: int = 0

    @property
    def reasons_text(self) -> str:
        return " · ".join(self.reasons)

    @property
    def distance_text(self) -> str:
        """The distance as the reasons say it: "1.4 km", or "≈ district centre" where either
        end is a district's centre and the kilometres would be falsely precise."""
        for text, (code, _params) in zip(self.reasons, self.reason_codes, strict=False):
            if code == "km":
                return text
        return reason_text("km", {"km": self.distance_km})

    @property
    def reasons_beside_distance(self) -> list[str]:
        """The reasons but the distance, for a table that shows the distance in its own
        column."""
        return [
            text
            for text, (code, _params) in zip(self.reasons, self.reason_codes, strict=False)
            if code != "km"
        ] + self.reasons[len(self.reason_codes) :]


def request_position(request: HelpRequest) -> tuple[float, float] | None:
    """Where the help is needed: the resident's home, else their district's centre (see
    request_position_approximate)."""
    resident = request.resident
    if resident.lat is not None and resident.lon is not None:
        return resident.lat, resident.lon
    district = request.district or resident.district
    if district is not None:
        return district.lat, district.lon
    return None


def request_position_approximate(request: HelpRequest) -> bool:
    """Whether request_position is a district's centre rather than the resident's door: an
    address not found in the register, or no address at all."""
    resident = request.resident
    return resident.position_approximate or resident.lat is None or resident.lon is None


HOLDING = (Offer.Status.ACCEPTED, Offer.Status.PENDING)


class _Row(NamedTuple):
    """A volunteer in the box who passed the fixed yes/no rules, as the box query reads it:
    only what the score needs, so the query is answered from its index alone."""

    id: int
    lat: float
    lon: float
    max_distance_km: float
    offers_received: int
    offers_answered: int
    languages: str  # as stored: ",ar,sv,"
    rest_days: float | None  # days since the last task; None: never had one


class _Detail(NamedTuple):
    """What is read for the few volunteers near the top of the list only: who they are,
    the offers that hold their places, and whether their number can get an offer."""

    id: int
    first_name: str
    last_name: str
    organisation: str
    phone: str  # E.164 text
    max_open_tasks: int
    held: int  # offers accepted or waiting for an answer
    open_tasks: int  # offers accepted
    stopped: bool  # the SMS side's own opt-out record (STOP)
    # Placed at their district's centre: their address was not found in the register.
    approximate: bool


# The ranking's two queries are written as SQL rather than built with the ORM: they run for
# every request matched and every request page opened, and building and compiling them
# through the ORM took as long as running them. Only fixed fragments and placeholders are
# formatted in; every value is a parameter.


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def volunteers_near(
    request: HelpRequest, lat: float, lon: float, *, exclude_offered: bool = True
) -> Iterator[tuple[_Row, float]]:
    """Volunteers within the request's radius of (lat, lon), and within their own maximum
    distance, who pass the fixed yes/no rules, each with their distance in km.

    A bounding box in the database (ranges on the `volunteer_box` index, which holds every
    column read here), then haversine here. The box's latitude range is left to the
    distance check: on PostgreSQL a range on `lat` tempts the planner into a second index.
    """
    lat_min, lat_max, lon_min, lon_max = bounding_box(lat, lon, request.radius_km)
    cells = list(range(lat_cell(lat_min), lat_cell(lat_max) + 1))
    rule = eligibility_for(request.kind, request.language)
    if rule is None:
        return
    rule_sql, rule_params = eligibility_sql(rule)
    conditions = []
    params: list = [*cells, lon_min, lon_max, *rule_params]
    if exclude_offered and request.pk:
        # Nobody is asked twice for the same request.
        conditions.append(
            "AND NOT EXISTS (SELECT 1 FROM matching_offer o"
            " WHERE o.request_id = %s AND o.volunteer_id = v.id)"
        )
        params.append(request.pk)
    sql = f"""
        SELECT v.id, v.lat, v.lon, v.max_distance_km, v.offers_received, v.offers_answered,
               v.languages, {DAYS_SINCE_SQL[connection.vendor].format("v.last_task_at")}
          FROM matching_volunteer v
         WHERE v.lat_cell IN ({_placeholders(cells)}) AND v.lon BETWEEN %s AND %s
           AND {rule_sql}
           {" ".join(conditions)}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    radius = request.radius_km
    for values in rows:
        row_lat, row_lon, max_distance_km = values[1:4]
        distance = haversine_km(lat, lon, row_lat, row_lon)
        if within_reach(distance, radius, max_distance_km):
            yield _Row._make(values), distance


def _details(volunteer_ids: list[int]) -> dict[int, _Detail]:
    sql = f"""
        SELECT v.id, v.first_name, v.last_name, org.name, v.phone, v.max_open_tasks,
               (SELECT COUNT(*) FROM matching_offer o
                 WHERE o.volunteer_id = v.id AND o.status IN (%s, %s)),
               (SELECT COUNT(*) FROM matching_offer o
                 WHERE o.volunteer_id = v.id AND o.status = %s),
               EXISTS (SELECT 1 FROM notifications_optout s
                        WHERE s.phone = v.phone AND s.opted_out),
               v.position_approximate
          FROM matching_volunteer v
          JOIN matching_organisation org ON org.id = v.organisation_id
         WHERE v.id IN ({_placeholders(volunteer_ids)})
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*HOLDING, Offer.Status.ACCEPTED, *volunteer_ids])
        return {row[0]: _Detail._make(row) for row in cursor.fetchall()}


def _cost(row: _Row, distance: float, *, speaks: bool, continuity: bool) -> float:
    """The soft score of one candidate as a cost in km-equivalents (lower is better),
    without the load: `_with_load` adds LOAD_PENALTY_KM per open task."""
    cost = distance
    if continuity:
        cost -= CONTINUITY_BONUS_KM
    if speaks:
        cost -= LANGUAGE_BONUS_KM
    days = REST_DAYS if row.rest_days is None else max(0.0, row.rest_days)
    cost -= REST_BONUS_KM * min(days, REST_DAYS) / REST_DAYS
    received, answered = row.offers_received, row.offers_answered
    if received >= RESPONSE_MIN_OFFERS:
        cost += RESPONSE_PENALTY_KM * (1.0 - min(1.0, answered / received))
    return cost


def reason_text(code: str, params: dict) -> str:
    """One reason in words, in the active language, its numbers in the locale's format
    ("1,4 km" in Swedish). Unknown codes give their `text` parameter, if any."""
    if code == "km":
        if params.get("approximate"):
            # One end is a district's centre: the kilometres between would be made up.
            return _("≈ district centre")
        return _("%(km)s km") % {"km": number_format(round(float(params["km"]), 1), 1)}
    if code == "continuity":
        return _("has helped this person before")
    if code == "speaks":
        return _("speaks %(language)s") % {"language": language_name(params["language"])}
    if code == "load":
        n = params["n"]
        return ngettext("%(n)d open task", "%(n)d open tasks", n) % {"n": n}
    if code == "rest_none":
        return _("no task yet")
    if code == "rest_today":
        return _("last task today")
    if code == "rest_days":
        n = params["n"]
        return ngettext("last task %(n)d day ago", "last task %(n)d days ago", n) % {"n": n}
    if code == "rate":
        return _("answers %(pct)d %% of offers") % {"pct": params["pct"]}
    if code == "new":
        return _("new to offers")
    if code == "chosen":
        return _("chosen by an operator")
    if code == "assigned":
        return _("assigned by an operator")
    return str(params.get("text", code))


class _Reasons:
    """The score as reasons, for the operator: codes with their parameters, and their words
    (reason_text). Built for the chosen few only, and each phrase is translated once per
    ranking, not once per candidate."""

    def __init__(self, language: str):
        self.phrases: dict[tuple, str] = {}
        self.language = language

    def text(self, code: str, params: dict) -> str:
        key = (code, *sorted(params.items()))
        if code == "km":
            return reason_text(code, params)
        if key not in self.phrases:
            self.phrases[key] = reason_text(code, params)
        return self.phrases[key]

    def __call__(
        self,
        row: _Row,
        distance: float,
        *,
        speaks: bool,
        continuity: bool,
        open_tasks: int,
        approximate: bool = False,
    ) -> list[tuple[str, dict]]:
        distance_params: dict = {"km": round(distance, 1)}
        if approximate:
            distance_params["approximate"] = True
        reasons: list[tuple[str, dict]] = [("km", distance_params)]
        if continuity:
            reasons.append(("continuity", {}))
        if speaks:
            reasons.append(("speaks", {"language": self.language}))
        reasons.append(("load", {"n": open_tasks}))
        if row.rest_days is None:
            reasons.append(("rest_none", {}))
        elif row.rest_days < 1:
            reasons.append(("rest_today", {}))
        else:
            reasons.append(("rest_days", {"n": int(row.rest_days)}))
        received, answered = row.offers_received, row.offers_answered
        if received >= RESPONSE_MIN_OFFERS:
            pct = round(min(1.0, answered / received) * 100)
            reasons.append(("rate", {"pct": pct}))
        else:
            reasons.append(("new", {}))
        return reasons


def _with_load(scored: list[tuple], *, chunk: int) -> Iterator[tuple]:
    """`scored` (cost without load, distance, id, speaks, row), sorted, as the same tuples
    with the full cost and the volunteer's details appended, cheapest first.

    Volunteers whose offers fill their places, who texted STOP, or whose number is not a
    mobile are left out here. Load only adds to the cost, so the cost without it is a lower
    bound, and the details are read a chunk at a time, only as far down the list as can
    still make it: for a few dozen volunteers, not the hundreds in the box.
    """
    heap: list[tuple] = []
    start = 0
    while True:
        while start < len(scored) and (not heap or heap[0][0] > scored[start][0]):
            part = scored[start : start + chunk]
            start += len(part)
            details = _details([entry[2] for entry in part])
            for base, distance, pk, speaks, row in part:
                detail = details.get(pk)  # None: removed since the box query
                # A pending offer holds a place too, so a spike of requests does not pile
                # every offer on the same few nearby volunteers.
                if (
                    detail is None
                    or detail.stopped
                    or not has_room(detail.held, detail.max_open_tasks)
                    or not _is_mobile(detail.phone)
                ):
                    continue
                cost = base + LOAD_PENALTY_KM * detail.open_tasks
                heapq.heappush(heap, (cost, distance, pk, speaks, row, detail))
        if not heap:
            return
        yield heapq.heappop(heap)


def candidates_rank(
    *, request: HelpRequest, limit: int = 20, exclude_offered: bool = True
) -> list[Candidate]:
    """The best `limit` volunteers for `request`, best first, each with reasons in words.

    Sensitive requests have no candidates: they never reach volunteers.
    """
    if not request_for_volunteers(request) or limit <= 0:
        return []
    position = request_position(request)
    if position is None:
        return []
    lat, lon = position
    approximate = request_position_approximate(request)
    continuity = set()
    task_kind = kind_get(request.kind)
    if task_kind is not None and task_kind.continuity:
        continuity = set(
            Offer.objects.filter(
                request__resident_id=request.resident_id,
                status__in=[Offer.Status.ACCEPTED, Offer.Status.DONE],
            ).values_list("volunteer_id", flat=True)
        )
    speaks_code = f",{request.language},"
    scored = []
    for row, distance in volunteers_near(request, lat, lon, exclude_offered=exclude_offered):
        speaks = speaks_code in row.languages
        cost = _cost(row, distance, speaks=speaks, continuity=row.id in continuity)
        scored.append((cost, distance, row.id, speaks, row))
    scored.sort()
    reasons = _Reasons(request.language)
    ranked = []
    for cost, distance, pk, speaks, row, detail in islice(
        _with_load(scored, chunk=limit + 10), limit
    ):
        codes = reasons(
            row,
            distance,
            speaks=speaks,
            continuity=pk in continuity,
            open_tasks=detail.open_tasks,
            approximate=approximate or bool(detail.approximate),
        )
        ranked.append(
            Candidate(
                volunteer_id=pk,
                name=volunteer_name(detail.first_name, detail.last_name),
                organisation=detail.organisation,
                distance_km=round(distance, 3),
                score=round(SCORE_BASE - cost, 2),
                reasons=[reasons.text(code, params) for code, params in codes],
                reason_codes=codes,
                cost_km=cost,
                open_tasks=detail.open_tasks,
            )
        )
    return ranked
