"""Synthetic volunteers and requests for the matching benchmarks, and the database set-up.

Positions: the Stockholm-Mälaren region (about 155 x 170 km), 60 % spread evenly and 40 %
around twelve towns, so some places are far denser than the average. Run from the project
root; `django_setup("sqlite")` or `django_setup("postgresql")` points Django at the
benchmark's own database (/tmp/samhjalp_matching_bench.sqlite3 or samhjalp_matching_bench),
dropped and migrated afresh.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_FILE = "/tmp/samhjalp_matching_bench.sqlite3"
PG_URL = "postgresql://postgres@127.0.0.1:5432/samhjalp_matching_bench"

REGION = (58.8, 60.2, 16.0, 19.0)
TOWNS = [
    (59.33, 18.06),
    (59.24, 17.98),
    (59.37, 17.03),
    (59.61, 16.55),
    (59.86, 17.64),
    (59.20, 17.63),
    (59.29, 18.25),
    (59.42, 18.07),
    (59.53, 17.90),
    (59.05, 17.60),
    (59.75, 18.70),
    (58.99, 16.21),
]


def django_setup(db: str) -> None:
    """Point Django at the benchmark's own database (fresh) and migrate it."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(SQLITE_FILE + suffix).unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = SQLITE_FILE
        os.environ.pop("DATABASE_URL", None)
    else:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
            conn.autocommit = True
            conn.execute("DROP DATABASE IF EXISTS samhjalp_matching_bench")
            conn.execute("CREATE DATABASE samhjalp_matching_bench")
        os.environ["DATABASE_URL"] = PG_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    # As deployed: with DEBUG on, Django also records every query's SQL.
    os.environ["DJANGO_DEBUG"] = "False"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + os.urandom(24).hex())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def positions(rng, n: int):
    import numpy as np

    lat_min, lat_max, lon_min, lon_max = REGION
    even = int(n * 0.6)
    lat = np.empty(n)
    lon = np.empty(n)
    lat[:even] = rng.uniform(lat_min, lat_max, even)
    lon[:even] = rng.uniform(lon_min, lon_max, even)
    towns = np.array(TOWNS)[rng.integers(0, len(TOWNS), n - even)]
    lat[even:] = towns[:, 0] + rng.normal(0, 6 / 111.2, n - even)
    lon[even:] = towns[:, 1] + rng.normal(0, 6 / 56.0, n - even)
    return lat, lon


def volunteers_create(rng, n: int, *, max_open_tasks=(1, 3), start: int = 0) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from matching.models import Organisation, Volunteer

    organisation, _ = Organisation.objects.get_or_create(
        name="Benchmark", defaults=dict(kind="ngo", languages={"sv"})
    )
    lat, lon = positions(rng, n)
    kinds = ["groceries", "pharmacy", "errand", "callback", "phone_friend"]
    others = ["ar", "tr", "fi", "en", "so"]
    now = timezone.now()
    batch = []
    for i in range(n):
        skills = {k for k in kinds if rng.random() < 0.6} or {"groceries"}
        languages = {"sv"} | ({others[i % len(others)]} if rng.random() < 0.5 else set())
        received = int(rng.integers(0, 12))
        batch.append(
            Volunteer(
                first_name=f"V{start + i}",
                phone=f"+4670{start + i:07d}",
                organisation=organisation,
                languages=languages,
                skills=skills,
                lat=float(lat[i]),
                lon=float(lon[i]),
                max_distance_km=float(rng.uniform(2, 8)),
                max_open_tasks=int(rng.integers(max_open_tasks[0], max_open_tasks[1] + 1)),
                vetted=rng.random() < 0.7,
                last_task_at=(
                    None if rng.random() < 0.3 else now - timedelta(days=float(rng.uniform(0, 30)))
                ),
                offers_received=received,
                offers_answered=int(rng.integers(0, received + 1)),
            )
        )
    Volunteer.objects.bulk_create(batch, batch_size=2000)


def requests_create(rng, n: int, *, kinds=("groceries",), start: int = 0) -> list:
    """`n` new requests from residents around the towns (where requests come from)."""
    from helpdesk.models import HelpRequest, Resident

    lat, lon = positions(rng, n)
    residents = Resident.objects.bulk_create(
        [
            Resident(
                name=f"R{start + i}",
                phone=f"+4673{start + i:07d}",
                lat=float(lat[i]),
                lon=float(lon[i]),
                language=["sv", "sv", "ar", "tr", "fi"][i % 5],
                is_70_plus=rng.random() < 0.7,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    requests = HelpRequest.objects.bulk_create(
        [
            HelpRequest(
                code=str(10_000_000 + start + i),
                resident=resident,
                kind=kinds[i % len(kinds)],
                language=resident.language,
                task_text="Handla mat",
            )
            for i, resident in enumerate(residents)
        ],
        batch_size=2000,
    )
    return requests


def load_some(rng, share: float = 0.05) -> None:
    """Give a share of volunteers an accepted task, so load is real in the ranking."""
    from django.utils import timezone

    from matching.models import Offer, Volunteer

    ids = list(Volunteer.objects.values_list("id", flat=True))
    busy = rng.choice(ids, size=int(len(ids) * share), replace=False)
    requests = requests_create(rng, len(busy), start=5_000_000)
    Offer.objects.bulk_create(
        [
            Offer(
                request=r,
                volunteer_id=int(v),
                code=r.code,
                status="accepted",
                expires_at=timezone.now(),
                # bulk_create skips Offer.save(), which copies this from the request.
                request_operators_only=r.operators_only,
            )
            for r, v in zip(requests, busy, strict=True)
        ],
        batch_size=2000,
    )
    from helpdesk.models import HelpRequest

    HelpRequest.objects.filter(pk__in=[r.pk for r in requests]).update(status="done")


def analyse() -> None:
    """Statistics for the planner, and on PostgreSQL the visibility map too: what
    autovacuum leaves behind after a bulk load, so that index-only scans can be used."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
