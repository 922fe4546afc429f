"""Batch matching for a spike: match_batch_plan end to end from the database, against the
exact optimum over every pair within reach and against request-by-request greedy, in the
same run. Two cases: 2,000 requests over 20,000 volunteers, and the scarce case, 2,000 over
2,500 (one place each), where greedy strands requests the optimum serves.

    .venv/bin/python bench/matching_batch.py            # SQLite and PostgreSQL, a table
    .venv/bin/python bench/matching_batch.py sqlite     # one database, JSON

Latest figures: docs/benchmarks.md.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

CASES = [("2,000 over 20,000", 2_000, 20_000, (1, 2)), ("2,000 over 2,500", 2_000, 2_500, (1, 1))]
KINDS = ("groceries", "groceries", "pharmacy", "errand", "phone_friend")


def all_pairs(requests, vols):
    """Every eligible pair within reach of both sides, with the batch's own cost: the batch's
    public pair functions without the cut to the cheapest few per request."""
    from matching.batch import pairs_cost, pairs_eligible, pairs_split

    req, vol, dist = pairs_eligible(requests, vols)
    cost = pairs_cost(requests, vols, req, vol, dist)
    order = np.argsort(req, kind="stable")
    return pairs_split(len(requests), req[order], vol[order], dist[order], cost[order])


def greedy(requests, vols, pairs):
    """Request by request, most pressing first, each takes its cheapest free place; a
    volunteer's later places cost more, as in the batch."""
    from matching.search import LOAD_PENALTY_KM

    taken = np.zeros(len(vols.ids), dtype=np.int64)
    served, km, cost = 0, 0.0, 0.0
    for idx, dist, c in pairs:
        if len(idx) == 0:
            continue
        room = taken[idx] < vols.free[idx]
        if not room.any():
            continue
        total = c + LOAD_PENALTY_KM * taken[idx]
        total[~room] = np.inf
        best = int(np.argmin(total))
        taken[idx[best]] += 1
        served += 1
        km += float(dist[best])
        cost += float(c[best])
    return served, km, cost


def run(db: str) -> dict:
    from matching_data import analyse, django_setup, requests_create, volunteers_create

    django_setup(db)
    from django.db import connection

    from helpdesk.models import HelpRequest, Resident
    from matching.batch import assignment_solve, match_batch_plan, requests_load, volunteers_load
    from matching.models import Volunteer

    results = {"db": connection.vendor, "cases": []}
    for name, n_requests, n_volunteers, places in CASES:
        HelpRequest.objects.all().delete()
        Resident.objects.all().delete()
        Volunteer.objects.all().delete()
        rng = np.random.default_rng(7)
        volunteers_create(rng, n_volunteers, max_open_tasks=places)
        requests_create(rng, n_requests, kinds=KINDS)
        analyse()
        start = time.perf_counter()
        plan = match_batch_plan()
        seconds = time.perf_counter() - start
        requests, vols = requests_load(None), volunteers_load()
        pairs = all_pairs(requests, vols)
        start = time.perf_counter()
        exact = assignment_solve(requests, vols, pairs)
        exact_s = time.perf_counter() - start
        g_served, g_km, g_cost = greedy(requests, vols, pairs)
        results["cases"].append(
            {
                "case": name,
                "seconds": round(seconds, 3),
                "load_ms": round((plan.seconds["requests"] + plan.seconds["volunteers"]) * 1000),
                "requests_ms": round(plan.seconds["requests"] * 1000),
                "solve_ms": round(plan.seconds["solve"] * 1000),
                "served": len(plan.pairs),
                "km": round(plan.total_km, 2),
                "cost": round(plan.total_cost, 2),
                "pairs_in_reach": int(sum(len(p[0]) for p in pairs)),
                "exact_served": len(exact),
                "exact_km": round(sum(e[2] for e in exact), 2),
                "exact_cost": round(sum(e[3] for e in exact), 2),
                "exact_solve_ms": round(exact_s * 1000),
                "greedy_served": g_served,
                "greedy_km": round(g_km, 2),
                "greedy_cost": round(g_cost, 2),
            }
        )
    return results


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(run(sys.argv[1])))
        return
    print(
        "| database | case | batch end to end (load + solve) | served: batch / exact / greedy"
        " | total km: batch / exact / greedy | cost: batch / exact / greedy |"
    )
    print("|---|---|---|---|---|---|")
    for db in ("sqlite", "postgresql"):
        out = subprocess.run(
            [sys.executable, __file__, db], capture_output=True, text=True, timeout=600
        )
        if out.returncode:
            sys.exit(out.stderr)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        for c in result["cases"]:
            print(
                f"| {result['db']} | {c['case']} | {c['seconds'] * 1000:.0f} ms "
                f"({c['load_ms']} + {c['solve_ms']}) "
                f"| {c['served']} / {c['exact_served']} / {c['greedy_served']} "
                f"| {c['km']} / {c['exact_km']} / {c['greedy_km']} "
                f"| {c['cost']} / {c['exact_cost']} / {c['greedy_cost']} |"
            )


if __name__ == "__main__":
    main()
