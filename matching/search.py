"""Who could take a request: the nearby search, the hard constraints and the soft score.

Everything that is a yes/no rule runs in the database; distances and the score are computed
on the few hundred rows inside the bounding box. `volunteers_near` is the one place that
knows about geometry, so a PostGIS version (ST_DWithin on a geography column) can replace it.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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
    "sv": gettext_lazy("Swedish"),
    "en": gettext_lazy("English"),
    "ar": gettext_lazy("Arabic"),
    "tr": gettext_lazy("Turkish"),
    "fi": gettext_lazy("Finnish"),
    "so": gettext_lazy("Somali"),
    "fa": gettext_lazy("Persian"),
    "ku": gettext_lazy("Kurdish"),
    "ti": gettext_lazy("Tigrinya"),
    "pl": gettext_lazy("Polish"),
    "bs": gettext_lazy("Bosnian"),
    "es": gettext_lazy("Spanish"),
}


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
    rows = queryset.filter(
        lat_cell__in=cells,
        lon__gte=lon_min,
        lon__lte=lon_max,
        lat__gte=lat_min,
        lat__lte=lat_max,
    ).values_list(*columns)
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


def eligible_volunteers(request: HelpRequest, *, exclude_offered: bool = True) -> QuerySet:
    """Every hard constraint that is not about distance, as one query."""

    def offers_in(status: str) -> Coalesce:
        count = (
            Offer.objects.filter(volunteer=OuterRef("pk"), status=status)
            .values("volunteer")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(count, output_field=IntegerField()), 0)

    queryset = (
        Volunteer.objects.filter(is_active=True, paused=False, opted_out=False)
        .filter(skills__has=request.kind)
        .exclude(Exists(OptOut.objects.filter(phone=OuterRef("phone"), opted_out=True)))
        # An offer waiting for an answer holds a place too, so a spike of requests does not
        # pile every offer on the same few nearby volunteers.
        .annotate(
            open_tasks=offers_in(Offer.Status.ACCEPTED),
            pending_offers=offers_in(Offer.Status.PENDING),
        )
        .filter(open_tasks__lt=F("max_open_tasks") - F("pending_offers"))
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


def _cost(row: dict, *, speaks: bool, continuity: bool, now: datetime) -> tuple[float, list[str]]:
    """The soft score of one candidate as a cost in km-equivalents, and its reasons."""
    distance = row["distance_km"]
    cost = distance
    reasons = [_("%(km).1f km") % {"km": distance}]
    if continuity:
        cost -= CONTINUITY_BONUS_KM
        reasons.append(_("has helped this person before"))
    if speaks:
        cost -= LANGUAGE_BONUS_KM
        reasons.append(_("speaks %(language)s") % {"language": language_name(row["language"])})
    load = row["open_tasks"]
    cost += LOAD_PENALTY_KM * load
    reasons.append(ngettext("%(n)d open task", "%(n)d open tasks", load) % {"n": load})
    last = row["last_task_at"]
    if last is None:
        cost -= REST_BONUS_KM
        reasons.append(_("no task yet"))
    else:
        days = max(0.0, (now - last).total_seconds() / 86400)
        cost -= REST_BONUS_KM * min(days, REST_DAYS) / REST_DAYS
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
        cost += RESPONSE_PENALTY_KM * (1.0 - rate)
        reasons.append(_("answers %(pct)d %% of offers") % {"pct": round(rate * 100)})
    else:
        reasons.append(_("new to offers"))
    return cost, reasons


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
    rows = volunteers_near(
        lat=position[0],
        lon=position[1],
        radius_km=request.radius_km,
        queryset=eligible_volunteers(request, exclude_offered=exclude_offered),
        values=(
            "phone",
            "max_distance_km",
            "open_tasks",
            "last_task_at",
            "offers_received",
            "offers_answered",
            "speaks",
        ),
    )
    rows = [r for r in rows if r["distance_km"] <= r["max_distance_km"]]
    if not rows:
        return []
    continuity = set()
    if request.kind == HelpRequest.Kind.PHONE_FRIEND:
        continuity = set(
            Offer.objects.filter(
                request__resident_id=request.resident_id,
                status__in=[Offer.Status.ACCEPTED, Offer.Status.DONE],
            ).values_list("volunteer_id", flat=True)
        )
    now = timezone.now()
    scored = []
    for row in rows:
        row["language"] = request.language
        cost, reasons = _cost(
            row, speaks=bool(row["speaks"]), continuity=row["id"] in continuity, now=now
        )
        scored.append((cost, row["distance_km"], row["id"], row, reasons))
    scored.sort(key=lambda s: s[:3])
    chosen = []
    for cost, distance, _id, row, reasons in scored:
        if not _is_mobile(str(row["phone"])):
            continue
        chosen.append((cost, distance, row, reasons))
        if len(chosen) == limit:
            break
    volunteers = Volunteer.objects.select_related("organisation").in_bulk(
        [c[2]["id"] for c in chosen]
    )
    return [
        Candidate(
            volunteer=volunteers[row["id"]],
            distance_km=round(distance, 3),
            score=round(SCORE_BASE - cost, 2),
            reasons=reasons,
            cost_km=cost,
            open_tasks=row["open_tasks"],
        )
        for cost, distance, row, reasons in chosen
    ]
