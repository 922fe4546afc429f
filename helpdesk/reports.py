# SQL here is assembled from constants and model table names only; every value is a query
# parameter.
# ruff: noqa: S608
"""Needs against capacity: the figures behind the equity report.

Every figure is computed from help requests and their timeline, never from counters kept on
the side, so a figure can always be recomputed and checked:

- requests: help requests created in the window (by their `created_at`).
- matched: those whose timeline has a status change to `assigned` (at any time).
- unmet: never assigned to a volunteer and not done by the support line (still waiting,
  escalated or cancelled without help).
- escalated: those whose timeline has a status change to `escalated`.
- time to match: from the `created` timeline event to the first change to `assigned`.
  Median and 90th percentile by the nearest-rank method (the value at rank ceil(p * n)).

The counting is done in the database: one pass over the timeline for the requests in the
window, then counts per group, the same SQL on SQLite and PostgreSQL. Percentiles need the
sorted times per group; numpy sorts the matched requests' times once per grouping, which
is faster than window functions over every grouping in SQLite (bench/reports.py).
"""

import datetime as dt
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from matching.kinds import kind_get
from places.models import District

from .models import HelpRequest, Resident, TimelineEvent
from .percentiles import RISK_FLAGS, percentiles_grouped

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


# Kinds volunteers can take; referrals go to organisations, not to volunteer capacity.
def volunteer_kinds() -> list[str]:
    """The kinds volunteers may take, read from the registry when a report is made (so a
    kind registered later is in it)."""
    return [k for k in HelpRequest.Kind.values if k not in HelpRequest.SENSITIVE_KINDS]


@dataclass
class Figures:
    requests: int = 0
    matched: int = 0
    unmet: int = 0
    escalated: int = 0
    p50_seconds: float | None = None
    p90_seconds: float | None = None
    # Filled in where they apply (districts, district and kind).
    population_70_plus: int | None = None
    capacity_per_week: float | None = None
    active_volunteers: int | None = None
    days: int = DEFAULT_PERIOD

    @property
    def per_1000_70_plus(self) -> float | None:
        if not self.population_70_plus:
            return None
        return round(self.requests * 1000 / self.population_70_plus, 2)

    @property
    def need_per_week(self) -> float:
        return round(self.requests * 7 / self.days, 2)

    @property
    def short_of_capacity(self) -> bool:
        """Need outstrips capacity: more requests a week than the declared weekly capacity."""
        if self.capacity_per_week is None:
            return False
        return self.need_per_week > self.capacity_per_week

    @property
    def p50_minutes(self) -> float | None:
        return None if self.p50_seconds is None else round(self.p50_seconds / 60, 1)

    @property
    def p90_minutes(self) -> float | None:
        return None if self.p90_seconds is None else round(self.p90_seconds / 60, 1)


@dataclass
class NeedsReport:
    days: int
    since: dt.datetime
    until: dt.datetime
    total: Figures
    districts: list[tuple[District | None, Figures]]
    cells: dict[tuple[int, str], Figures]
    by_kind: dict[str, Figures]
    by_language: dict[str, Figures]
    by_channel: dict[str, Figures]
    by_risk: dict[str, Figures]
    series: list[tuple[dt.date, int, int]] = field(default_factory=list)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _seconds_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        # EXTRACT gives numeric, which reaches Python as Decimal: slow to sort by the thousand.
        return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)"
    if connection.vendor == "sqlite":
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"
    raise NotImplementedError(
        f"reports are written for SQLite and PostgreSQL, not {connection.vendor}"
    )


def _utc_hour(column: str) -> str:
    """The UTC hour as text, "YYYY-MM-DD HH": cheap on both databases (no time-zone function
    per row); Python turns hours into local days."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"
    return f"substr({column}, 1, 13)"


FACTS_TABLE = "samhjalp_report_facts"


def _facts_sql() -> str:
    """One row per request in the window, with what its timeline says about it. Takes the
    parameters (since, until, since, until).

    The timeline is read once, in request order, from the covering index on (request, kind,
    to_status, at), starting at the first request of the window: request ids grow with time,
    so that is a short range scan (and still correct if they did not, only slower)."""
    req, res, tl = _table(HelpRequest), _table(Resident), _table(TimelineEvent)
    flags = ", ".join(f"res.{flag}" for flag in RISK_FLAGS)
    seconds = _seconds_between("ev.assigned_at", "COALESCE(ev.created_at, r.created_at)")
    return f"""
    WITH ev AS (
        SELECT t.request_id,
               MIN(CASE WHEN t.kind = 'created' THEN t.at END) AS created_at,
               MIN(CASE WHEN t.kind = 'status' AND t.to_status = 'assigned' THEN t.at END)
                   AS assigned_at,
               MAX(CASE WHEN t.kind = 'status' AND t.to_status = 'escalated' THEN 1 ELSE 0 END)
                   AS escalated
        FROM {tl} t
        WHERE t.request_id >= (
            SELECT MIN(id) FROM {req} WHERE created_at >= %s AND created_at < %s
        )
        GROUP BY t.request_id
    )
    SELECT COALESCE(r.district_id, 0) AS district, r.kind, r.language, r.channel, {flags},
           {_utc_hour("r.created_at")} AS hour,
           COALESCE(ev.escalated, 0) AS escalated,
           CASE WHEN ev.assigned_at IS NULL THEN 0 ELSE 1 END AS matched,
           CASE WHEN ev.assigned_at IS NULL AND r.status <> 'done' THEN 1 ELSE 0 END AS unmet,
           {seconds} AS secs
    FROM {req} r
    JOIN {res} res ON res.id = r.resident_id
    LEFT JOIN ev ON ev.request_id = r.id
    WHERE r.created_at >= %s AND r.created_at < %s"""


def _counts_sql() -> list[str]:
    """Counts at the finest grain the report needs (hours apart), and per hour. Each row is
    then added into every grouping it belongs to, in Python: there are far fewer rows than
    requests, and this beats one GROUP BY per grouping."""
    sums = "COUNT(*), SUM(matched), SUM(unmet), SUM(escalated)"
    grain = ", ".join(["district", "kind", "language", "channel", *RISK_FLAGS])
    return [
        f"SELECT {grain}, {sums} FROM {FACTS_TABLE} GROUP BY {grain}",
        f"SELECT hour, {sums} FROM {FACTS_TABLE} GROUP BY hour",
    ]


def _counts_rollup(fine: list[tuple], hours: list[tuple]) -> dict[tuple, list[int]]:
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    def add(key: tuple, numbers: tuple) -> None:
        bucket = totals[key]
        for i, n in enumerate(numbers):
            bucket[i] += int(n or 0)

    for row in fine:
        district, kind, language, channel = row[:4]
        flags, numbers = row[4 : 4 + len(RISK_FLAGS)], row[4 + len(RISK_FLAGS) :]
        keys = [
            ("cell", str(district), kind),
            ("district", str(district), ""),
            ("kind", kind, ""),
            ("total", "", ""),
            ("language", language, ""),
            ("channel", channel, ""),
        ]
        keys += [("risk", flag, "") for flag, on in zip(RISK_FLAGS, flags, strict=True) if on]
        if not any(flags):
            keys.append(("risk", "none", ""))
        for key in keys:
            add(key, numbers)
    for hour, *numbers in hours:
        add(("hour", hour, ""), numbers)
    return totals


def report_window(days: int, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    until = now or timezone.now()
    return until - dt.timedelta(days=days), until


def figures_grouped(*, since: dt.datetime, until: dt.datetime) -> dict[tuple, Figures]:
    """{(dimension, key1, key2): Figures} for every grouping of the report.

    The per-request facts go into a temporary table (private to this connection), so the
    timeline is read once; the counts are grouped there, and only the matched requests'
    times come back for the percentiles."""
    fact_columns = ", ".join(["district", "kind", "language", "channel", *RISK_FLAGS, "secs"])
    postgres = connection.vendor == "postgresql"
    # On PostgreSQL a transaction scopes the memory setting below; on SQLite one would take
    # the write lock (IMMEDIATE) and hold up the worker for nothing.
    with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            # The default 4 MB sends the grouping sort to disk; this stays in memory.
            cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute(f"DROP TABLE IF EXISTS {FACTS_TABLE}")
        try:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {FACTS_TABLE} AS {_facts_sql()}",
                [since, until, since, until],
            )
            fine_sql, hours_sql = _counts_sql()
            cursor.execute(fine_sql)
            fine = cursor.fetchall()
            cursor.execute(hours_sql)
            hours = cursor.fetchall()
            cursor.execute(f"SELECT {fact_columns} FROM {FACTS_TABLE} WHERE secs IS NOT NULL")
            times = cursor.fetchall()
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {FACTS_TABLE}")
    percentiles = percentiles_grouped(times)
    result = {}
    for (dim, k1, k2), (requests, matched, unmet, escalated) in _counts_rollup(fine, hours).items():
        p50, p90 = percentiles.get((dim, k1, k2), (None, None))
        result[(dim, k1, k2)] = Figures(
            requests=requests,
            matched=int(matched or 0),
            unmet=int(unmet or 0),
            escalated=int(escalated or 0),
            p50_seconds=None if p50 is None else round(p50, 1),
            p90_seconds=None if p90 is None else round(p90, 1),
        )
    return result


def requests_series(
    grouped: dict[tuple, "Figures"], *, since: dt.datetime, until: dt.datetime
) -> list[tuple[dt.date, int, int]]:
    """(day, requests, unmet) for every local day in the window, zeros included."""
    tz = timezone.get_current_timezone()
    days: dict[dt.date, list[int]] = {}
    for (dim, hour, _k2), figures in grouped.items():
        if dim != "hour":
            continue
        utc = dt.datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
        day = days.setdefault(timezone.localtime(utc, tz).date(), [0, 0])
        day[0] += figures.requests
        day[1] += figures.unmet
    first, last = timezone.localtime(since, tz).date(), timezone.localtime(until, tz).date()
    series = []
    day = first
    while day <= last:
        series.append((day, *days.get(day, (0, 0))))
        day += dt.timedelta(days=1)
    return series


def capacity_per_week() -> dict[tuple[int, str], float]:
    """Declared weekly capacity per (district id, kind). Capacity declared for all districts
    is shared evenly among the districts the organisation serves (all districts if none)."""
    from matching.models import Capacity, Organisation

    all_districts = list(District.objects.values_list("id", flat=True))
    served = defaultdict(list)
    for org_id, district_id in Organisation.districts.through.objects.values_list(
        "organisation_id", "district_id"
    ):
        served[org_id].append(district_id)
    result: dict[tuple[int, str], float] = defaultdict(float)
    for org_id, kind, district_id, per_week in Capacity.objects.values_list(
        "organisation_id", "kind", "district_id", "per_week"
    ):
        if district_id is not None:
            result[(district_id, kind)] += per_week
            continue
        targets = served.get(org_id) or all_districts
        for target in targets:
            result[(target, kind)] += per_week / len(targets)
    return {key: round(value, 2) for key, value in result.items()}


def active_volunteers() -> dict[tuple[int, str], int]:
    """Volunteers who can take offers now, per (district id, kind they are skilled in)."""
    from matching.models import Volunteer

    kinds = volunteer_kinds()
    # Skilled for a kind: listing the skill the registry says it needs.
    skills = {kind: (kind_get(kind).skill if kind_get(kind) else kind) or kind for kind in kinds}
    counts = (
        Volunteer.objects.filter(is_active=True, paused=False, opted_out=False)
        .values("district_id")
        .annotate(
            everyone=Count("id"),
            **{f"k_{kind}": Count("id", filter=Q(skills__has=skills[kind])) for kind in kinds},
        )
        .order_by()
    )
    result = {}
    for row in counts:
        district_id = row["district_id"] or 0
        result[(district_id, "")] = row["everyone"]
        for kind in kinds:
            result[(district_id, kind)] = row[f"k_{kind}"]
    return result


def needs_report(*, days: int = DEFAULT_PERIOD, now: dt.datetime | None = None) -> NeedsReport:
    since, until = report_window(days, now)
    grouped = figures_grouped(since=since, until=until)
    capacity = capacity_per_week()
    volunteers = active_volunteers()
    kinds = volunteer_kinds()

    def pick(dim: str, k1: str = "", k2: str = "") -> Figures:
        figures = grouped.get((dim, k1, k2)) or Figures()
        figures.days = days
        return figures

    districts = []
    cells = {}
    for district in [*District.objects.all(), None]:
        district_id = district.id if district else 0
        figures = pick("district", str(district_id))
        if district is None and not figures.requests:
            continue
        figures.population_70_plus = district.population_70_plus if district else None
        if district:
            figures.capacity_per_week = round(
                sum(capacity.get((district_id, kind), 0) for kind in kinds), 2
            )
        figures.active_volunteers = volunteers.get((district_id, ""), 0)
        districts.append((district, figures))
        for kind in HelpRequest.Kind.values:
            cell = pick("cell", str(district_id), kind)
            cell.population_70_plus = figures.population_70_plus
            if district and kind in kinds:
                cell.capacity_per_week = capacity.get((district_id, kind), 0)
            cell.active_volunteers = volunteers.get((district_id, kind), 0)
            cells[(district_id, kind)] = cell

    total = pick("total")
    total.population_70_plus = sum(d.population_70_plus for d, _ in districts if d)
    total.capacity_per_week = round(sum(capacity.values()), 2)
    total.active_volunteers = sum(volunteers.get((d, ""), 0) for d in {k[0] for k in volunteers})
    return NeedsReport(
        days=days,
        since=since,
        until=until,
        total=total,
        districts=districts,
        cells=cells,
        by_kind={kind: pick("kind", kind) for kind in HelpRequest.Kind.values},
        by_language={key: pick("language", key) for key in _present(grouped, "language")},
        by_channel={key: pick("channel", key) for key in HelpRequest.Channel.values},
        by_risk={key: pick("risk", key) for key in (*RISK_FLAGS, "none")},
        series=requests_series(grouped, since=since, until=until),
    )


def _present(grouped: dict, dim: str) -> list[str]:
    return sorted(k1 for (d, k1, _k2) in grouped if d == dim)
