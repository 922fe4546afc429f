"""Ranking one request among 10,000 and 100,000 volunteers: candidates_rank from the database
(SQLite and PostgreSQL) against a naive Python full scan and a numpy full scan over arrays
preloaded in memory, all in the same run.

    .venv/bin/python bench/matching_rank.py            # both databases, prints a table
    .venv/bin/python bench/matching_rank.py sqlite     # one database, prints JSON

Each database is its own: /tmp/samhjalp_matching_bench.sqlite3 and samhjalp_matching_bench.

Latest figures: docs/benchmarks.md.
"""

import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SIZES = (10_000, 100_000)
QUERIES = 300
WARMUP = 30


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(fn, items, cpu: list | None = None) -> list[float]:
    """Wall-clock ms per call; with `cpu`, this process's CPU ms per call too (on a shared,
    busy machine the wall clock also counts the time other processes held the CPU)."""
    for item in items[:WARMUP]:
        fn(item)
    out = []
    for item in items:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000)
    return out


def preload():
    """Everything the in-memory scans need, read once (not timed)."""
    import numpy as np
    from django.db.models import Count, Q

    from matching.models import Volunteer
    from notifications.models import OptOut

    stopped = set(OptOut.objects.filter(opted_out=True).values_list("phone", flat=True))
    rows = list(
        Volunteer.objects.annotate(
            open_tasks=Count("offers", filter=Q(offers__status__in=["accepted"])),
            pending=Count("offers", filter=Q(offers__status__in=["pending"])),
        ).values(
            "id",
            "lat",
            "lon",
            "is_active",
            "paused",
            "opted_out",
            "phone",
            "skills",
            "languages",
            "vetted",
            "max_distance_km",
            "max_open_tasks",
            "open_tasks",
            "pending",
            "last_task_at",
            "offers_received",
            "offers_answered",
        )
    )
    for row in rows:
        row["phone"] = str(row["phone"])
        row["available"] = (
            row["is_active"]
            and not row["paused"]
            and not row["opted_out"]
            and row["phone"] not in stopped
            and row["open_tasks"] < row["max_open_tasks"] - row["pending"]
        )
    arrays = {
        "lat": np.radians([r["lat"] for r in rows]),
        "lon": np.radians([r["lon"] for r in rows]),
        "ok": np.array([r["available"] for r in rows]),
        "vetted": np.array([r["vetted"] for r in rows]),
        "max_km": np.array([r["max_distance_km"] for r in rows]),
        "skill": {
            k: np.array([k in r["skills"] for r in rows])
            for k in ("groceries", "pharmacy", "errand", "callback", "phone_friend")
        },
        "speaks": {
            k: np.array([k in r["languages"] for r in rows]) for k in ("sv", "en", "ar", "tr", "fi")
        },
        "base": np.array([_base_cost(r) for r in rows]),
        "ids": np.array([r["id"] for r in rows]),
    }
    return rows, arrays


def _base_cost(row) -> float:
    from django.utils import timezone

    from matching import search as s

    cost = s.LOAD_PENALTY_KM * row["open_tasks"]
    last = row["last_task_at"]
    days = s.REST_DAYS if last is None else (timezone.now() - last).total_seconds() / 86400
    cost -= s.REST_BONUS_KM * min(days, s.REST_DAYS) / s.REST_DAYS
    if row["offers_received"] >= s.RESPONSE_MIN_OFFERS:
        rate = min(1.0, row["offers_answered"] / row["offers_received"])
        cost += s.RESPONSE_PENALTY_KM * (1 - rate)
    return cost


def naive_scan(rows, request, lat, lon, limit=20):
    from matching.eligibility import eligibility_for
    from matching.search import LANGUAGE_BONUS_KM, haversine_km

    rule = eligibility_for(request.kind, request.language)
    found = []
    for r in rows:
        if rule is None or not r["available"] or rule.skill not in r["skills"]:
            continue
        if rule.vetted and not r["vetted"]:
            continue
        speaks = request.language in r["languages"]
        if rule.language is not None and rule.language not in r["languages"]:
            continue
        d = haversine_km(lat, lon, r["lat"], r["lon"])
        if d > request.radius_km or d > r["max_distance_km"]:
            continue
        found.append((d + _base_cost(r) - LANGUAGE_BONUS_KM * speaks, r["id"]))
    found.sort()
    return found[:limit]


def numpy_scan(a, request, lat, lon, limit=20):
    import numpy as np

    from matching.eligibility import eligibility_for, within_reach
    from matching.search import EARTH_RADIUS_KM, LANGUAGE_BONUS_KM

    p, lam = math.radians(lat), math.radians(lon)
    h = (
        np.sin((a["lat"] - p) / 2) ** 2
        + math.cos(p) * np.cos(a["lat"]) * np.sin((a["lon"] - lam) / 2) ** 2
    )
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
    speaks = a["speaks"][request.language]
    rule = eligibility_for(request.kind, request.language)
    mask = a["ok"] & a["skill"][rule.skill] & within_reach(d, request.radius_km, a["max_km"])
    if rule.vetted:
        mask &= a["vetted"]
    if rule.language is not None:
        mask &= a["speaks"][rule.language]
    idx = np.flatnonzero(mask)
    cost = d[idx] + a["base"][idx] - LANGUAGE_BONUS_KM * speaks[idx]
    if len(idx) > limit:
        keep = np.argpartition(cost, limit)[:limit]
        idx, cost = idx[keep], cost[keep]
    order = np.argsort(cost)
    return list(zip(cost[order], a["ids"][idx[order]], strict=True))


def run(db: str) -> dict:
    import numpy as np
    from matching_data import analyse, django_setup, load_some, requests_create, volunteers_create

    django_setup(db)
    from django.db import connection

    from helpdesk.models import HelpRequest
    from matching.search import candidates_rank, request_position

    rng = np.random.default_rng(4)
    results = {"db": connection.vendor, "sizes": {}}
    have = 0
    for size in SIZES:
        start = time.perf_counter()
        volunteers_create(rng, size - have, start=have)
        have = size
        if size == SIZES[0]:
            load_some(rng)
        analyse()
        load_s = time.perf_counter() - start
        print(f"{db} {size}: loaded in {load_s:.1f} s", file=sys.stderr)
        kinds = ("groceries",) * 3 + ("pharmacy", "phone_friend", "callback")
        made = requests_create(rng, QUERIES, kinds=kinds, start=size)
        requests = list(
            HelpRequest.objects.filter(pk__in=[r.pk for r in made]).select_related(
                "resident", "district"
            )
        )
        where = {r.pk: request_position(r) for r in requests}
        db_cpu: list[float] = []
        db_ms = timed(lambda r: candidates_rank(request=r, limit=20), requests, db_cpu)
        rows, arrays = preload()
        naive_ms = timed(
            lambda r, rows=rows, where=where: naive_scan(rows, r, *where[r.pk]), requests
        )
        numpy_ms = timed(
            lambda r, arrays=arrays, where=where: numpy_scan(arrays, r, *where[r.pk]), requests
        )
        # Same answers: the database's top 20 are the in-memory scans' top 20.
        agree = sum(
            [c.volunteer_id for c in candidates_rank(request=r, limit=20)]
            == [int(v) for _c, v in numpy_scan(arrays, r, *where[r.pk])]
            for r in requests[:50]
        )
        results["sizes"][size] = {
            "load_s": round(load_s, 1),
            "agree_of_50": agree,
            "found_median": statistics.median(
                len(candidates_rank(request=r, limit=20)) for r in requests[:50]
            ),
            **{
                f"{name}_p{p}": round(percentile(ms, p), 2)
                for name, ms in (
                    ("db", db_ms),
                    ("db_cpu", db_cpu),
                    ("naive", naive_ms),
                    ("numpy", numpy_ms),
                )
                for p in (50, 99)
            },
        }
    return results


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(run(sys.argv[1])))
        return
    table = []
    print(
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", file=sys.stderr
    )
    for db in ("sqlite", "postgresql"):
        out = subprocess.run(
            [sys.executable, __file__, db], capture_output=True, text=True, timeout=900
        )
        if out.returncode:
            sys.exit(out.stderr)
        table.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        "| database | volunteers | candidates_rank p50 / p99 ms | its CPU here p50 / p99"
        " | naive Python scan p50 / p99 | numpy scan p50 / p99 | same top 20 |"
    )
    print("|---|---|---|---|---|---|---|")
    for result in table:
        for size, r in result["sizes"].items():
            print(
                f"| {result['db']} | {int(size):,} | {r['db_p50']} / {r['db_p99']} "
                f"| {r['db_cpu_p50']} / {r['db_cpu_p99']} "
                f"| {r['naive_p50']} / {r['naive_p99']} | {r['numpy_p50']} / {r['numpy_p99']} "
                f"| {r['agree_of_50']}/50 |"
            )


if __name__ == "__main__":
    main()
