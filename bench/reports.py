"""The needs-against-capacity page over 100,000 requests and 10,000 volunteers, against the
same page over an empty database, in one run.

    .venv/bin/python bench/reports.py                      # SQLite file bench-reports.sqlite3
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/samhjalp_bench_reports \\
        .venv/bin/python bench/reports.py

It creates (and drops) its own database: a SQLite file beside this script, or the PostgreSQL
database named in DATABASE_URL. Rows are bulk-created with their timelines, spread over the
last 120 days; the page is timed for 7, 30 and 90 days, best of five renders each.

Latest figures: docs/benchmarks.md.
"""

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SQLITE_PATH", str(ROOT / "bench" / "bench-reports.sqlite3"))
os.environ.setdefault("SMS_BACKEND", "locmem")

REQUESTS = int(os.getenv("BENCH_REQUESTS", "100000"))
VOLUNTEERS = int(os.getenv("BENCH_VOLUNTEERS", "10000"))
BUDGET_SECONDS = 1.0


def database_fresh() -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        name = db["NAME"]
        with psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')


def populate(now: dt.datetime) -> None:
    from django.db import transaction

    from helpdesk.models import HelpRequest, Resident, TimelineEvent
    from matching.models import Capacity, Organisation, Volunteer
    from places.models import District

    rng = random.Random(7)
    kinds = [k for k in HelpRequest.Kind.values if k != "referral"]
    with transaction.atomic():
        districts = District.objects.bulk_create(
            District(
                name=f"Kommundel {i}",
                code=f"kd-{i}",
                lat=59.2 + i / 100,
                lon=17.9,
                population=10000 + 1000 * i,
                population_70_plus=1200 + 100 * i,
            )
            for i in range(12)
        )
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"Förening {i}", kind="ngo", languages={"sv"}) for i in range(40)
        )
        Capacity.objects.bulk_create(
            Capacity(
                organisation=org,
                kind=kind,
                district=rng.choice(districts),
                per_week=rng.randint(1, 20),
            )
            for org in orgs
            for kind in rng.sample(kinds, 3)
        )
        volunteers = Volunteer.objects.bulk_create(
            (
                Volunteer(
                    first_name=f"V{i}",
                    phone=f"+46703{i:06d}",
                    organisation=rng.choice(orgs),
                    languages=rng.sample(["sv", "en", "ar", "tr", "fi"], 2),
                    skills=rng.sample(kinds, 3),
                    district=rng.choice(districts),
                    lat=59.2,
                    lon=17.9,
                    paused=rng.random() < 0.1,
                )
                for i in range(VOLUNTEERS)
            ),
            batch_size=2000,
        )
    # Requests arrive over time, so ids and creation times rise together, as in real use.
    created_times = sorted(
        now - dt.timedelta(minutes=rng.randint(0, 120 * 24 * 60)) for _ in range(REQUESTS)
    )
    batch = 5000
    for start in range(0, REQUESTS, batch):
        with transaction.atomic():
            residents = Resident.objects.bulk_create(
                Resident(
                    phone=f"+46704{i:06d}",
                    name=f"Boende {i}",
                    district=rng.choice(districts),
                    language=rng.choice(["sv", "sv", "sv", "en", "ar", "tr", "fi"]),
                    is_70_plus=rng.random() < 0.6,
                    lives_alone=rng.random() < 0.3,
                    chronic_illness=rng.random() < 0.2,
                    no_internet=rng.random() < 0.25,
                )
                for i in range(start, min(start + batch, REQUESTS))
            )
            requests, events = [], []
            for i, resident in enumerate(residents, start):
                created = created_times[i]
                fate = rng.random()
                status = (
                    "done"
                    if fate < 0.6
                    else "assigned"
                    if fate < 0.75
                    else ("escalated" if fate < 0.85 else "matching")
                )
                requests.append(
                    HelpRequest(
                        code=str(10_000_000 + i),
                        resident=resident,
                        district=resident.district,
                        kind=rng.choice(kinds),
                        language=resident.language,
                        channel=rng.choice(["phone", "phone", "sms", "voice"]),
                        status=status,
                        created_at=created,
                        assigned_volunteer=rng.choice(volunteers) if fate < 0.75 else None,
                    )
                )
            HelpRequest.objects.bulk_create(requests)
            for request in requests:
                at = request.created_at
                events.append(
                    TimelineEvent(request=request, at=at, kind="created", to_status="new")
                )
                events.append(
                    TimelineEvent(
                        request=request,
                        at=at + dt.timedelta(minutes=1),
                        kind="status",
                        from_status="new",
                        to_status="matching",
                    )
                )
                if request.status in ("assigned", "done"):
                    match = at + dt.timedelta(minutes=rng.randint(2, 600))
                    events.append(TimelineEvent(request=request, at=match, kind="offer_accepted"))
                    events.append(
                        TimelineEvent(
                            request=request,
                            at=match,
                            kind="status",
                            from_status="matching",
                            to_status="assigned",
                        )
                    )
                    if request.status == "done":
                        events.append(
                            TimelineEvent(
                                request=request,
                                at=match + dt.timedelta(hours=3),
                                kind="status",
                                from_status="assigned",
                                to_status="done",
                            )
                        )
                elif request.status == "escalated":
                    events.append(
                        TimelineEvent(
                            request=request,
                            at=at + dt.timedelta(hours=2),
                            kind="status",
                            from_status="matching",
                            to_status="escalated",
                        )
                    )
            TimelineEvent.objects.bulk_create(events, batch_size=5000)


def render_seconds(client, days: int, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(f"/reports/needs/?days={days}")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        best = min(best, elapsed)
    return best


def main() -> int:
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    database_fresh()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("bench-analyst")
    user.groups.add(Group.objects.get(name="admin"))
    client = Client()
    client.force_login(user)

    empty = {days: render_seconds(client, days) for days in (7, 30, 90)}
    started = time.perf_counter()
    populate(timezone.now())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load: statistics, and the visibility map
            # that lets the timeline's covering index be read without the table.
            cursor.execute("VACUUM ANALYZE")
    print(
        f"{connection.vendor}: {REQUESTS} requests, {VOLUNTEERS} volunteers "
        f"created in {time.perf_counter() - started:.1f} s"
    )
    failed = False
    for days in (7, 30, 90):
        full = render_seconds(client, days)
        ok = full < BUDGET_SECONDS
        failed |= not ok
        print(
            f"  needs page, {days:>2} days: {full * 1000:7.1f} ms  (empty database "
            f"{empty[days] * 1000:5.1f} ms, ratio {full / empty[days]:5.1f})  "
            f"{'ok' if ok else 'OVER 1 s'}"
        )
    connection.close()
    # BENCH_KEEP=1 leaves the filled database behind, for profiling.
    if os.getenv("BENCH_KEEP") != "1":
        database_fresh()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
