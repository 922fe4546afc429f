"""Who could take a request: the nearby search, the hard constraints and the soft score.

Everything that is a yes/no rule runs in the database; distances and the score are computed
on the few hundred rows inside the bounding box. `volunteers_near` is the one place that
knows about geometry, so a PostGIS version (ST_DWithin on a geography column) can replace it.
"""

import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from helpdesk.models import HelpRequest
from notifications.models import OptOut
from notifications.phones import phone_is_mobile

from .fields import lat_cell
from .models import Offer, Volunteer

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

LANGUAGE_NAMES = {
    "sv": pgettext_lazy("speaks …", "Swedish"),
    "en": pgettext_lazy("speaks …", "English"),
    "ar": pgettext_lazy("speaks …", "Arabic"),
    "tr": pgettext_lazy("speaks …", "Turkish"),
    "fi": pgettext_lazy("speaks …", "Finnish"),
    "so": pgettext_lazy("speaks …", "Somali"),
    "fa": pgettext_lazy("speaks …", "Persian"),
    "ku": pgettext_lazy("speaks …", "Kurdish"),
    "ti": pgettext_lazy("speaks …", "Tigrinya"),
    "pl": pgettext_lazy("speaks …", "Polish"),
    "bs": pgettext_lazy("speaks …", "Bosnian"),
    "es": pgettext_lazy("speaks …", "Spanish"),
}


class DaysSince(Func):
    """Days from a timestamp column to now, computed by the database: reading a float
    spares a datetime conversion per row, which is most of a row's cost in Python."""

    arity = 1
    output_field = FloatField()

    @property
    def convert_value(self):
        # Both databases already return a float (or NULL); a per-row float() is pure cost.
        return self._convert_value_noop

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(julianday('now') - julianday({sql}))", params

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"CAST(EXTRACT(EPOCH FROM (CURRENT_TIMESTAMP - {sql})) / 86400.0 AS double precision)",
            params,
        )


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


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


def volunteers_near(
    *,
    lat: float,
    lon: float,
    radius_km: float,
    queryset: QuerySet | None = None,
    values: tuple[str, ...] = (),
) -> list[dict]:
    """Rows of `queryset` (all volunteers by default) within `radius_km` of (lat, lon),
    nearest first, as dicts of "id", "distance_km" and the `values` asked for.

    The box is a handful of ranges on the (lat_cell, lon) index, one per 1.1 km band of
    latitude, so both SQLite and PostgreSQL read only rows inside it.
    """
    if radius_km <= 0:
        return []
    lat_min, lat_max, lon_min, lon_max = bounding_box(lat, lon, radius_km)
    cells = list(range(lat_cell(lat_min), lat_cell(lat_max) + 1))
    queryset = Volunteer.objects.all() if queryset is None else queryset
    columns = ("id", "lat", "lon", *values)
    rows = (
        queryset.filter(
            lat_cell__in=cells,
            lon__gte=lon_min,
            lon__lte=lon_max,
            lat__gte=lat_min,
            lat__lte=lat_max,
        )
        .order_by()
        .values_list(*columns)
    )
    found = []
    for row in rows:
        distance = haversine_km(lat, lon, row[1], row[2])
        if distance <= radius_km:
            found.append({**dict(zip(columns, row, strict=True)), "distance_km": distance})
    found.sort(key=lambda r: r["distance_km"])
    return found


@lru_cache(maxsize=65536)
def _is_mobile(phone: str) -> bool:
    return phone_is_mobile(phone)


@dataclass
class Candidate:
    volunteer: Volunteer
    distance_km: float
    score: float
    reasons: list[str] = field(default_factory=list)
    cost_km: float = 0.0
    open_tasks: int = 0

    @property
    def reasons_text(self) -> str:
        return " · ".join(self.reasons)


def request_position(request: HelpRequest) -> tuple[float, float] | None:
    """Where the help is needed: the resident's home, else their district's centre."""
    resident = request.resident
    if resident.lat is not None and resident.lon is not None:
        return resident.lat, resident.lon
    district = request.district or resident.district
    if district is not None:
        return district.lat, district.lon
    return None


def available_volunteers(queryset: QuerySet | None = None) -> QuerySet:
    """Volunteers who can take something now: active, not paused, not opted out (by flag or
    by the SMS side's own record) and with a free place, annotated with their load."""

    def offers_in(status: str) -> Coalesce:
        count = (
            Offer.objects.filter(volunteer=OuterRef("pk"), status=status)
            .values("volunteer")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(count, output_field=IntegerField()), 0)

    queryset = Volunteer.objects.all() if queryset is None else queryset
    return (
        queryset.filter(is_active=True, paused=False, opted_out=False)
        .exclude(Exists(OptOut.objects.filter(phone=OuterRef("phone"), opted_out=True)))
        # An offer waiting for an answer holds a place too, so a spike of requests does not
        # pile every offer on the same few nearby volunteers.
        .annotate(
            open_tasks=offers_in(Offer.Status.ACCEPTED),
            pending_offers=offers_in(Offer.Status.PENDING),
        )
        .filter(open_tasks__lt=F("max_open_tasks") - F("pending_offers"))
    )


def eligible_volunteers(request: HelpRequest, *, exclude_offered: bool = True) -> QuerySet:
    """Every hard constraint that is not about distance, as one query."""
    queryset = (
        available_volunteers()
        .filter(skills__has=request.kind)
        .annotate(
            speaks=Case(
                When(languages__has=request.language, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if request.kind in HelpRequest.HOME_VISIT_KINDS:
        queryset = queryset.filter(vetted=True)
    if request.kind in HelpRequest.CONVERSATION_KINDS:
        queryset = queryset.filter(languages__has=request.language)
    if exclude_offered and request.pk:
        queryset = queryset.exclude(offers__request=request)
    return queryset


def _cost(row: dict, *, continuity: bool) -> float:
    """The soft score of one candidate as a cost in km-equivalents (lower is better)."""
    cost = row["distance_km"] + LOAD_PENALTY_KM * row["open_tasks"]
    if continuity:
        cost -= CONTINUITY_BONUS_KM
    if row["speaks"]:
        cost -= LANGUAGE_BONUS_KM
    days = row["rest_days"]
    days = REST_DAYS if days is None else max(0.0, days)
    cost -= REST_BONUS_KM * min(days, REST_DAYS) / REST_DAYS
    received, answered = row["offers_received"], row["offers_answered"]
    if received >= RESPONSE_MIN_OFFERS:
        cost += RESPONSE_PENALTY_KM * (1.0 - min(1.0, answered / received))
    return cost


def _reasons(row: dict, *, language: str, continuity: bool) -> list[str]:
    """The same score in words, for the operator; built for the chosen few only."""
    reasons = [_("%(km).1f km") % {"km": row["distance_km"]}]
    if continuity:
        reasons.append(_("has helped this person before"))
    if row["speaks"]:
        reasons.append(_("speaks %(language)s") % {"language": language_name(language)})
    load = row["open_tasks"]
    reasons.append(ngettext("%(n)d open task", "%(n)d open tasks", load) % {"n": load})
    if row["rest_days"] is None:
        reasons.append(_("no task yet"))
    else:
        days = max(0.0, row["rest_days"])
        if days < 1:
            reasons.append(_("last task today"))
        else:
            n = int(days)
            reasons.append(
                ngettext("last task %(n)d day ago", "last task %(n)d days ago", n) % {"n": n}
            )
    received, answered = row["offers_received"], row["offers_answered"]
    if received >= RESPONSE_MIN_OFFERS:
        rate = min(1.0, answered / received)
        reasons.append(_("answers %(pct)d %% of offers") % {"pct": round(rate * 100)})
    else:
        reasons.append(_("new to offers"))
    return reasons


def _ranked_by_cost(bounds: list, continuity: set, *, chunk: int) -> Iterator[tuple]:
    """Rows with their full cost, cheapest first, counting offers (tasks held and offers
    waiting, which take a place) a chunk at a time, only as far down as is needed."""
    heap: list[tuple] = []
    start = 0
    while True:
        while start < len(bounds) and (not heap or heap[0][0] > bounds[start][0]):
            part = bounds[start : start + chunk]
            start += len(part)
            held = dict.fromkeys((b[2] for b in part), 0)
            accepted = dict.fromkeys(held, 0)
            for volunteer_id, status in Offer.objects.filter(
                volunteer_id__in=list(held),
                status__in=[Offer.Status.ACCEPTED, Offer.Status.PENDING],
            ).values_list("volunteer_id", "status"):
                held[volunteer_id] += 1
                accepted[volunteer_id] += status == Offer.Status.ACCEPTED
            for _bound, distance, pk, row in part:
                if held[pk] >= row["max_open_tasks"]:
                    continue  # full: pending offers hold a place too
                row["open_tasks"] = accepted[pk]
                cost = _cost(row, continuity=pk in continuity)
                heapq.heappush(heap, (cost, distance, pk, row))
        if not heap:
            return
        yield heapq.heappop(heap)


def candidates_rank(
    *, request: HelpRequest, limit: int = 20, exclude_offered: bool = True
) -> list[Candidate]:
    """The best `limit` volunteers for `request`, best first, each with reasons in words.

    Sensitive requests have no candidates: they never reach volunteers.
    """
    if request.sensitive or request.kind in HelpRequest.SENSITIVE_KINDS or limit <= 0:
        return []
    position = request_position(request)
    if position is None:
        return []
    # The fixed yes/no rules go into the box query as plain column filters, cheap to build
    # and to run; the rules that count offers are one grouped query over the few hundred
    # volunteers left, and the opt-out list is checked for the chosen few (see below).
    queryset = Volunteer.objects.filter(
        is_active=True, paused=False, opted_out=False, skills__has=request.kind
    ).annotate(
        languages_text=Cast("languages", output_field=CharField()),
        rest_days=DaysSince("last_task_at"),
    )
    if request.kind in HelpRequest.HOME_VISIT_KINDS:
        queryset = queryset.filter(vetted=True)
    if request.kind in HelpRequest.CONVERSATION_KINDS:
        queryset = queryset.filter(languages__has=request.language)
    rows = volunteers_near(
        lat=position[0],
        lon=position[1],
        radius_km=request.radius_km,
        queryset=queryset,
        values=(
            "max_distance_km",
            "max_open_tasks",
            "rest_days",
            "offers_received",
            "offers_answered",
            # As stored (",ar,sv,"): parsing a set per row costs more than the search.
            "languages_text",
        ),
    )
    rows = [r for r in rows if r["distance_km"] <= r["max_distance_km"]]
    if not rows:
        return []
    offered = (
        set(request.offers.values_list("volunteer_id", flat=True))
        if exclude_offered and request.pk
        else set()
    )
    continuity = set()
    if request.kind == HelpRequest.Kind.PHONE_FRIEND:
        continuity = set(
            Offer.objects.filter(
                request__resident_id=request.resident_id,
                status__in=[Offer.Status.ACCEPTED, Offer.Status.DONE],
            ).values_list("volunteer_id", flat=True)
        )
    for row in rows:
        row["open_tasks"] = 0
        row["speaks"] = f",{request.language}," in row["languages_text"]
    # Cost without load first: load only adds, so it is a lower bound, and offers need to
    # be counted only for the volunteers that can still make the list.
    bounds = sorted(
        (_cost(row, continuity=row["id"] in continuity), row["distance_km"], row["id"], row)
        for row in rows
        if row["id"] not in offered
    )
    ranked = _ranked_by_cost(bounds, continuity, chunk=2 * limit + 10)
    chosen: list[tuple[float, dict]] = []
    while len(chosen) < limit:
        batch = list(islice(ranked, limit - len(chosen) + 5))
        if not batch:
            break
        # A landline or an opted-out number cannot get an offer. The numbers are read as
        # text: building model instances would parse each one.
        phones = dict(
            Volunteer.objects.filter(pk__in=[c[2] for c in batch])
            .annotate(phone_text=Cast("phone", output_field=CharField()))
            .values_list("id", "phone_text")
        )
        stopped = set(
            OptOut.objects.filter(phone__in=list(phones.values()), opted_out=True).values_list(
                "phone", flat=True
            )
        )
        for cost, _distance, pk, row in batch:
            if phones[pk] not in stopped and _is_mobile(phones[pk]):
                chosen.append((cost, row))
                if len(chosen) == limit:
                    break
    found = Volunteer.objects.select_related("organisation").in_bulk([r["id"] for _c, r in chosen])
    return [
        Candidate(
            volunteer=found[row["id"]],
            distance_km=round(row["distance_km"], 3),
            score=round(SCORE_BASE - cost, 2),
            reasons=_reasons(row, language=request.language, continuity=row["id"] in continuity),
            cost_km=cost,
            open_tasks=row["open_tasks"],
        )
        for cost, row in chosen
    ]
