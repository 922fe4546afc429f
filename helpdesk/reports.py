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

The work is done in the database: one aggregate over the timeline per request, then counts
and percentiles (ROW_NUMBER over the sorted times) per group, the same SQL on SQLite and
PostgreSQL. Only the grouped rows come back to Python.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from .models import District, HelpRequest, Resident, TimelineEvent

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
RISK_FLAGS = ("is_70_plus", "lives_alone", "chronic_illness", "no_internet")
# Kinds volunteers can take; referrals go to organisations, not to volunteer capacity.
VOLUNTEER_KINDS = [k for k in HelpRequest.Kind.values if k not in HelpRequest.SENSITIVE_KINDS]


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
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    if connection.vendor == "sqlite":
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"
    raise NotImplementedError(f"reports are written for SQLite and PostgreSQL, not {connection.vendor}")


def _facts_sql() -> str:
    """One row per request in the window, with what its timeline says about it.
    Takes the parameters (since, until, since, until)."""
    req, res, tl = _table(HelpRequest), _table(Resident), _table(TimelineEvent)
    secs = _seconds_between("ev.assigned_at", "COALESCE(ev.created_at, r.created_at)")
    flags = ", ".join(f"res.{flag}" for flag in RISK_FLAGS)
    return f"""
    WITH ev AS (
        SELECT t.request_id,
               MIN(CASE WHEN t.kind = 'created' THEN t.at END) AS created_at,
               MIN(CASE WHEN t.kind = 'status' AND t.to_status = 'assigned' THEN t.at END)
                   AS assigned_at,
               MAX(CASE WHEN t.kind = 'status' AND t.to_status = 'escalated' THEN 1 ELSE 0 END)
                   AS escalated
        FROM {tl} t JOIN {req} r ON r.id = t.request_id
        WHERE r.created_at >= %s AND r.created_at < %s
        GROUP BY t.request_id
    ),
    facts AS (
        SELECT COALESCE(r.district_id, 0) AS district, r.kind, r.language, r.channel, {flags},
               CASE WHEN ev.assigned_at IS NULL THEN 0 ELSE 1 END AS matched,
               CASE WHEN ev.assigned_at IS NULL AND r.status <> 'done' THEN 1 ELSE 0 END AS unmet,
               COALESCE(ev.escalated, 0) AS escalated,
               {secs} AS secs
        FROM {req} r
        JOIN {res} res ON res.id = r.resident_id
        LEFT JOIN ev ON ev.request_id = r.id
        WHERE r.created_at >= %s AND r.created_at < %s
    )"""


def _keyed_sql() -> str:
    """Every grouping the report shows, as (dimension, key1, key2) rows over the same facts,
    so one query answers them all."""
    columns = "matched, unmet, escalated, secs"
    parts = [
        f"SELECT 'cell' AS dim, CAST(district AS TEXT) AS k1, kind AS k2, {columns} FROM facts",
        f"SELECT 'district', CAST(district AS TEXT), '', {columns} FROM facts",
        f"SELECT 'kind', kind, '', {columns} FROM facts",
        f"SELECT 'total', '', '', {columns} FROM facts",
        f"SELECT 'language', language, '', {columns} FROM facts",
        f"SELECT 'channel', channel, '', {columns} FROM facts",
    ]
    for flag in RISK_FLAGS:
        parts.append(f"SELECT 'risk', '{flag}', '', {columns} FROM facts WHERE {flag}")
    any_flag = " OR ".join(RISK_FLAGS)
    parts.append(f"SELECT 'risk', 'none', '', {columns} FROM facts WHERE NOT ({any_flag})")
    return "\n UNION ALL ".join(parts)


def _grouped_sql() -> str:
    return f"""{_facts_sql()},
    keyed AS ({_keyed_sql()}),
    ranked AS (
        SELECT dim, k1, k2, secs,
               ROW_NUMBER() OVER (PARTITION BY dim, k1, k2 ORDER BY secs) AS rn,
               COUNT(*) OVER (PARTITION BY dim, k1, k2) AS n
        FROM keyed WHERE secs IS NOT NULL
    ),
    pct AS (
        SELECT dim, k1, k2,
               MAX(CASE WHEN rn = (n + 1) / 2 THEN secs END) AS p50,
               MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN secs END) AS p90
        FROM ranked GROUP BY dim, k1, k2
    ),
    counts AS (
        SELECT dim, k1, k2, COUNT(*) AS requests, SUM(matched) AS matched,
               SUM(unmet) AS unmet, SUM(escalated) AS escalated
        FROM keyed GROUP BY dim, k1, k2
    )
    SELECT c.dim, c.k1, c.k2, c.requests, c.matched, c.unmet, c.escalated, p.p50, p.p90
    FROM counts c LEFT JOIN pct p ON p.dim = c.dim AND p.k1 = c.k1 AND p.k2 = c.k2"""


def _series_sql(tzname: str) -> tuple[str, list]:
    day_sql, day_params = connection.ops.datetime_cast_date_sql("r.created_at", [], tzname)
    req, tl = _table(HelpRequest), _table(TimelineEvent)
    sql = f"""
    SELECT {day_sql} AS day, COUNT(*) AS requests,
           SUM(CASE WHEN r.status <> 'done' AND NOT EXISTS (
               SELECT 1 FROM {tl} t WHERE t.request_id = r.id AND t.kind = 'status'
               AND t.to_status = 'assigned') THEN 1 ELSE 0 END) AS unmet
    FROM {req} r WHERE r.created_at >= %s AND r.created_at < %s
    GROUP BY 1 ORDER BY 1"""
    return sql, list(day_params)


def report_window(days: int, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    until = now or timezone.now()
    return until - dt.timedelta(days=days), until


def figures_grouped(*, since: dt.datetime, until: dt.datetime) -> dict[tuple, Figures]:
    """{(dimension, key1, key2): Figures} for every grouping of the report."""
    with connection.cursor() as cursor:
        cursor.execute(_grouped_sql(), [since, until, since, until])
        rows = cursor.fetchall()
    result = {}
    for dim, k1, k2, requests, matched, unmet, escalated, p50, p90 in rows:
        result[(dim, k1, k2)] = Figures(
            requests=requests,
            matched=int(matched or 0),
            unmet=int(unmet or 0),
            escalated=int(escalated or 0),
            p50_seconds=None if p50 is None else round(float(p50), 1),
            p90_seconds=None if p90 is None else round(float(p90), 1),
        )
    return result


def requests_series(*, since: dt.datetime, until: dt.datetime) -> list[tuple[dt.date, int, int]]:
    """(day, requests, unmet) for every local day in the window, zeros included."""
    tz = timezone.get_current_timezone()
    sql, params = _series_sql(str(tz))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, since, until])
        found = {}
        for day, requests, unmet in cursor.fetchall():
            if isinstance(day, str):
                day = dt.date.fromisoformat(day)
            found[day] = (requests, int(unmet or 0))
    first, last = timezone.localtime(since, tz).date(), timezone.localtime(until, tz).date()
    series = []
    day = first
    while day <= last:
        series.append((day, *found.get(day, (0, 0))))
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

    counts = (
        Volunteer.objects.filter(is_active=True, paused=False, opted_out=False)
        .values("district_id")
        .annotate(
            everyone=Count("id"),
            **{kind: Count("id", filter=Q(skills__has=kind)) for kind in VOLUNTEER_KINDS},
        )
        .order_by()
    )
    result = {}
    for row in counts:
        district_id = row["district_id"] or 0
        result[(district_id, "")] = row["everyone"]
        for kind in VOLUNTEER_KINDS:
            result[(district_id, kind)] = row[kind]
    return result


def needs_report(*, days: int = DEFAULT_PERIOD, now: dt.datetime | None = None) -> NeedsReport:
    since, until = report_window(days, now)
    grouped = figures_grouped(since=since, until=until)
    capacity = capacity_per_week()
    volunteers = active_volunteers()

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
                sum(capacity.get((district_id, kind), 0) for kind in VOLUNTEER_KINDS), 2
            )
        figures.active_volunteers = volunteers.get((district_id, ""), 0)
        districts.append((district, figures))
        for kind in HelpRequest.Kind.values:
            cell = pick("cell", str(district_id), kind)
            cell.population_70_plus = figures.population_70_plus
            if district and kind in VOLUNTEER_KINDS:
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
        series=requests_series(since=since, until=until),
    )


def _present(grouped: dict, dim: str) -> list[str]:
    return sorted(k1 for (d, k1, _k2) in grouped if d == dim)
