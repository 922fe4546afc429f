"""Many open requests at once (hundreds after a radio announcement): one minimum-cost
assignment instead of request-by-request greedy.

Each request gets its nearest eligible volunteers (a k-d tree over the volunteers read once
from the database); each volunteer appears once per free place (max open tasks minus tasks
and offers held), later places costing a little more; each request also has a private
"nobody" column whose cost is far above any real pair and grows with the request's priority.
The sparse minimum-cost full matching (scipy's LAPJVsp) then serves as many requests as can
be served, the most pressing first, at the least total cost in km-equivalents.
"""

import gc
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

from helpdesk.models import HelpRequest
from notifications.models import OptOut
from notifications.phones import phone_is_mobile

from .eligibility import (
    AVAILABLE,
    codes_have,
    eligibility_for,
    eligibility_mask,
    has_room,
    request_for_volunteers,
    within_reach,
)
from .kinds import VOLUNTEER_KINDS
from .models import Offer, Volunteer
from .priority import helprequest_priority
from .search import (
    EARTH_RADIUS_KM,
    HOLDING,
    LANGUAGE_BONUS_KM,
    LOAD_PENALTY_KM,
    RESPONSE_MIN_OFFERS,
    RESPONSE_PENALTY_KM,
    REST_BONUS_KM,
    REST_DAYS,
    DaysSince,
    request_position,
)

# The cheapest this many per request. Measured (bench/matching_batch.py): 8 already reach the
# exact optimum over all pairs on the benchmark data; the solve time grows with the edges
# (about 150 ms at 16, 350 ms at 50 for 2,000 requests), so 16 keeps a margin at little cost.
CANDIDATES_PER_REQUEST = 16
UNSERVED_KM = 1e5  # leaving a request without anyone costs more than any real pair
PRIORITY_KM = 10.0  # per priority point, on top of UNSERVED_KM


@dataclass
class VolunteerArrays:
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    max_km: np.ndarray
    free: np.ndarray  # places left
    load: np.ndarray  # tasks and offers held now
    base_cost: np.ndarray  # the request-independent part of the soft score, km-equivalents
    skills: list
    languages: list
    vetted: np.ndarray
    phones: list


@dataclass
class BatchPlan:
    pairs: list[tuple[int, int, float]] = field(default_factory=list)  # request, volunteer, km
    unserved: list[int] = field(default_factory=list)
    total_km: float = 0.0
    total_cost: float = 0.0
    seconds: dict = field(default_factory=dict)
    requests: dict = field(default_factory=dict, repr=False)  # id -> HelpRequest


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord_to_km(chord: np.ndarray) -> np.ndarray:
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def volunteers_load() -> VolunteerArrays:
    """Every available volunteer with a free place, as arrays: active, not paused, not opted
    out (by flag or by the SMS side's own record), with fewer tasks and offers waiting than
    their maximum. One query for the volunteers, one for the offers that hold places."""
    rows = list(
        Volunteer.objects.filter(**AVAILABLE)
        .exclude(Exists(OptOut.objects.filter(phone=OuterRef("phone"), opted_out=True)))
        # Text as stored and days as a float: parsing 20,000 phone numbers, code sets and
        # timestamps costs more than the solve.
        .annotate(
            rest_days=DaysSince("last_task_at"),
            skills_text=Cast("skills", output_field=CharField()),
            languages_text=Cast("languages", output_field=CharField()),
            phone_text=Cast("phone", output_field=CharField()),
        )
        .order_by()
        .values_list(
            "id",
            "lat",
            "lon",
            "max_distance_km",
            "max_open_tasks",
            "rest_days",
            "offers_received",
            "offers_answered",
            "skills_text",
            "languages_text",
            "vetted",
            "phone_text",
        )
    )
    # An offer waiting for an answer holds a place too, so a spike of requests does not
    # pile every offer on the same few nearby volunteers.
    held = Counter(Offer.objects.filter(status__in=HOLDING).values_list("volunteer_id", flat=True))
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [()] * 12
    load = np.array([held.get(pk, 0) for pk in cols[0]], dtype=float).reshape(n)
    free = np.array(cols[4], dtype=float).reshape(n) - load
    rest = np.clip(
        np.array([REST_DAYS if d is None else d for d in cols[5]], dtype=float).reshape(n),
        0,
        REST_DAYS,
    )
    received = np.array(cols[6], dtype=float).reshape(n)
    answered = np.array(cols[7], dtype=float).reshape(n)
    rate = np.where(received > 0, np.minimum(1.0, answered / np.maximum(received, 1)), 1.0)
    response = np.where(received >= RESPONSE_MIN_OFFERS, RESPONSE_PENALTY_KM * (1 - rate), 0.0)
    base_cost = LOAD_PENALTY_KM * load - REST_BONUS_KM * rest / REST_DAYS + response
    keep = np.flatnonzero(has_room(load, np.array(cols[4], dtype=float).reshape(n)))
    return VolunteerArrays(
        ids=np.array(cols[0], dtype=np.int64).reshape(n)[keep],
        lat=np.array(cols[1], dtype=float).reshape(n)[keep],
        lon=np.array(cols[2], dtype=float).reshape(n)[keep],
        max_km=np.array(cols[3], dtype=float).reshape(n)[keep],
        free=free[keep].astype(np.int64),
        load=load[keep],
        base_cost=base_cost[keep],
        skills=[cols[8][i] or "" for i in keep],
        languages=[cols[9][i] or "" for i in keep],
        vetted=np.array(cols[10], dtype=bool).reshape(n)[keep],
        phones=[str(cols[11][i]) for i in keep],
    )


def requests_load(requests: QuerySet | list | None = None) -> list[dict]:
    """Open requests waiting for a volunteer, most pressing first (the priority as of now)."""
    if requests is None:
        requests = HelpRequest.objects.filter(
            status__in=[HelpRequest.Status.NEW, HelpRequest.Status.MATCHING],
            sensitive=False,
            operators_only=False,
            kind__in=VOLUNTEER_KINDS.codes(),
        ).exclude(HelpRequest.AWAITING_CALL)
    if isinstance(requests, QuerySet):
        # Only what priority and position need: no phone numbers to parse.
        requests = requests.select_related("resident", "district", "resident__district").only(
            "id",
            "code",
            "kind",
            "language",
            "radius_km",
            "urgency",
            "created_at",
            "sensitive",
            "operators_only",
            "status",
            "district__lat",
            "district__lon",
            "district__equity_weight",
            "resident__lat",
            "resident__lon",
            "resident__is_70_plus",
            "resident__lives_alone",
            "resident__chronic_illness",
            "resident__no_internet",
            "resident__district__lat",
            "resident__district__lon",
        )
    found = []
    for request in requests:
        if not request_for_volunteers(request):
            continue
        position = request_position(request)
        if position is None:
            continue
        found.append(
            {
                "request": request,
                "id": request.pk,
                "lat": position[0],
                "lon": position[1],
                "kind": request.kind,
                "language": request.language,
                "radius_km": request.radius_km,
                "priority": helprequest_priority(request),
                "offered": frozenset(),
            }
        )
    found.sort(key=lambda r: (-r["priority"], r["id"]))
    _offered_attach(found)
    return found


def _offered_attach(found: list[dict]) -> None:
    """Who has been offered each request before: nobody is asked twice for the same one."""
    offered: dict[int, set[int]] = {}
    ids = [r["id"] for r in found]
    for start in range(0, len(ids), 500):
        pairs = Offer.objects.filter(request_id__in=ids[start : start + 500]).values_list(
            "request_id", "volunteer_id"
        )
        for request_id, volunteer_id in pairs:
            offered.setdefault(request_id, set()).add(volunteer_id)
    for r in found:
        r["offered"] = frozenset(offered.get(r["id"], ()))


def eligible_masks(requests: list[dict], vols: VolunteerArrays) -> dict[tuple, np.ndarray]:
    """Per (kind, language) seen among the requests, which volunteers the rules of
    matching.eligibility let take it (before reach, room and earlier offers)."""
    skills, languages = np.array(vols.skills, dtype=str), np.array(vols.languages, dtype=str)
    masks = {}
    for key in {(r["kind"], r["language"]) for r in requests}:
        rule = eligibility_for(*key)
        if rule is None:
            masks[key] = np.zeros(len(vols.ids), dtype=bool)
        else:
            masks[key] = eligibility_mask(
                rule, skills=skills, languages=languages, vetted=vols.vetted
            )
    return masks


def pairs_eligible(
    requests: list[dict], vols: VolunteerArrays
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (request index, volunteer index, km) where the volunteer may take the request
    and both are within reach: the batch's whole eligibility, as arrays of pairs. Mobile
    numbers are checked later, for the pairs a plan chooses only (match_batch_plan)."""
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if not requests or not len(vols.ids):
        return empty
    tree = cKDTree(unit_vectors(vols.lat, vols.lon))
    points = unit_vectors(
        np.array([r["lat"] for r in requests]), np.array([r["lon"] for r in requests])
    )
    # Everyone within each request's radius, in one C call; from here on, whole arrays of
    # (request, volunteer) pairs rather than a Python loop per request.
    radii = np.array([r["radius_km"] for r in requests])
    balls = tree.query_ball_point(points, 2 * np.sin(radii / EARTH_RADIUS_KM / 2) * 1.0001)
    lengths = np.fromiter((len(b) for b in balls), dtype=np.int64, count=len(balls))
    req = np.repeat(np.arange(len(requests)), lengths)
    vol = np.fromiter(chain.from_iterable(balls), dtype=np.int64, count=int(lengths.sum()))
    masks = eligible_masks(requests, vols)
    groups = list(masks)
    group_of = np.array([groups.index((r["kind"], r["language"])) for r in requests])
    ok = np.stack([masks[g] for g in groups])[group_of[req], vol] & (vols.free[vol] > 0)
    req, vol = req[ok], vol[ok]
    offered = [(i, r["offered"]) for i, r in enumerate(requests) if r.get("offered")]
    if offered:
        index_of = {int(pk): j for j, pk in enumerate(vols.ids)}
        asked = np.array(
            [i * len(vols.ids) + index_of[v] for i, ids in offered for v in ids if v in index_of],
            dtype=np.int64,
        )
        ok = ~np.isin(req * len(vols.ids) + vol, asked)
        req, vol = req[ok], vol[ok]
    dist = chord_to_km(np.linalg.norm(tree.data[vol] - points[req], axis=1))
    ok = within_reach(dist, radii[req], vols.max_km[vol])
    return req[ok], vol[ok], dist[ok]


def pairs_cost(
    requests: list[dict], vols: VolunteerArrays, req: np.ndarray, vol: np.ndarray, dist: np.ndarray
) -> np.ndarray:
    """The soft score of each pair in km-equivalents, as matching.search scores it."""
    languages = np.array(vols.languages, dtype=str)
    codes = sorted({r["language"] for r in requests})
    speaks = np.stack([codes_have(languages, c) for c in codes])
    lang_of = np.array([codes.index(r["language"]) for r in requests])
    return dist + vols.base_cost[vol] - LANGUAGE_BONUS_KM * speaks[lang_of[req], vol]


def pairs_split(
    n_requests: int, req: np.ndarray, *columns: np.ndarray
) -> list[tuple[np.ndarray, ...]]:
    """Pairs sorted by request, as one tuple of columns per request."""
    bounds = np.searchsorted(req, np.arange(1, n_requests))
    return list(zip(*(np.split(c, bounds) for c in columns), strict=True))


def pair_candidates(
    requests: list[dict], vols: VolunteerArrays, *, per_request: int = CANDIDATES_PER_REQUEST
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per request: (volunteer indices, km, cost) of its cheapest eligible volunteers in reach."""
    empty = (np.empty(0, np.int64), np.empty(0), np.empty(0))
    if not requests or not len(vols.ids):
        return [empty for _ in requests]
    req, vol, dist = pairs_eligible(requests, vols)
    cost = pairs_cost(requests, vols, req, vol, dist)
    # The cheapest `per_request` of each request: sort by (request, cost), rank within.
    order = np.lexsort((cost, req))
    req, vol, dist, cost = req[order], vol[order], dist[order], cost[order]
    starts = np.searchsorted(req, np.arange(len(requests)))
    rank = np.arange(len(req)) - starts[req]
    keep = rank < per_request
    req, vol, dist, cost = req[keep], vol[keep], dist[keep], cost[keep]
    return pairs_split(len(requests), req, vol, dist, cost)


def assignment_solve(
    requests: list[dict],
    vols: VolunteerArrays,
    candidates: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> list[tuple[int, int, float, float]]:
    """Minimum-cost assignment: (request index, volunteer index, km, cost) per served one."""
    n = len(requests)
    if n == 0:
        return []
    req = np.concatenate([np.full(len(c[0]), i, dtype=np.int64) for i, c in enumerate(candidates)])
    vol = np.concatenate([c[0] for c in candidates]).astype(np.int64)
    km = np.concatenate([c[1] for c in candidates]).astype(float)
    cost = np.concatenate([c[2] for c in candidates]).astype(float)
    used = np.unique(vol)
    free = np.clip(vols.free[used], 0, None).astype(np.int64)
    # Columns: each used volunteer's free places side by side, then one "nobody" per request.
    first_slot = np.concatenate([[0], np.cumsum(free)])
    slots = int(first_slot[-1])
    j = np.searchsorted(used, vol)
    reps = free[j]
    place = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    rows = np.concatenate([np.repeat(req, reps), np.arange(n)])
    cols = np.concatenate([np.repeat(first_slot[j], reps) + place, slots + np.arange(n)])
    # A constant keeps every weight positive (scipy reads zero as "no edge"); each request is
    # matched exactly once, so it changes no decision. A volunteer's later places cost more.
    weights = np.concatenate(
        [
            np.repeat(cost, reps) + LOAD_PENALTY_KM * place + 20.0,
            UNSERVED_KM + PRIORITY_KM * np.array([r["priority"] for r in requests]),
        ]
    )
    graph = csr_matrix((weights, (rows, cols)), shape=(n, slots + n))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    slot_owner = np.repeat(used, free)
    pair_key = req * len(vols.ids) + vol
    order = np.argsort(pair_key)
    result = []
    for i, col in zip(matched_rows.tolist(), matched_cols.tolist(), strict=True):
        if col >= slots:
            continue
        v = int(slot_owner[col])
        e = order[np.searchsorted(pair_key[order], i * len(vols.ids) + v)]
        result.append((i, v, float(km[e]), float(cost[e])))
    return result


@contextmanager
def _collector_paused():
    """The loads allocate tens of thousands of rows, none of them garbage in a cycle, and
    the cyclic collector's passes over them took as long as the loads themselves (measured
    in bench/matching_batch.py). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def match_batch_plan(
    *, requests: QuerySet | list | None = None, per_request: int = CANDIDATES_PER_REQUEST
) -> BatchPlan:
    """Who should be offered what, without sending anything."""
    clock = time.perf_counter()
    plan = BatchPlan()
    with _collector_paused():
        loaded = requests_load(requests)
        plan.seconds["requests"] = time.perf_counter() - clock
        clock = time.perf_counter()
        vols = volunteers_load()
    plan.seconds["volunteers"] = time.perf_counter() - clock
    banned: set[int] = set()
    while True:
        clock = time.perf_counter()
        if banned:
            vols.free[list(banned)] = 0
        candidates = pair_candidates(loaded, vols, per_request=per_request)
        chosen = assignment_solve(loaded, vols, candidates)
        plan.seconds["solve"] = plan.seconds.get("solve", 0) + time.perf_counter() - clock
        # Only the chosen few are checked for a mobile number (a full check costs more than
        # the whole solve); a landline among them is dropped and the plan made again.
        landlines = {v for _i, v, _k, _c in chosen if not phone_is_mobile(vols.phones[v])}
        if not landlines:
            break
        banned |= landlines
    served = {i for i, *_ in chosen}
    plan.pairs = [(loaded[i]["id"], int(vols.ids[v]), km) for i, v, km, _c in chosen]
    plan.unserved = [r["id"] for i, r in enumerate(loaded) if i not in served]
    plan.total_km = float(sum(km for *_, km, _c in chosen))
    plan.total_cost = float(sum(c for *_, c in chosen))
    plan.requests = {r["id"]: r["request"] for r in loaded}
    return plan
