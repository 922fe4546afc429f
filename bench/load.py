"""Signed inbound SMS against daphne + task_worker with PostgreSQL and Redis, at a steady rate
and then in a burst, with repeated deliveries mixed in, and a count afterwards.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<own db> \\
    REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/load.py [--rate 200] [--seconds 60] [--burst 1000]

The database is FLUSHED first: give the benchmark one of its own. Everything listens on
loopback; every loop is bounded in count and time. The run:

1. seeds the demo data plus one known resident per distinct message, so each text is a
   resident asking for groceries or the pharmacy and becomes a request to match;
2. starts --web daphne processes and --workers task_worker processes, the workers at low
   priority (--worker-nice): while a spike lasts, taking messages in safely comes first;
3. sends --rate signed webhooks per second for --seconds (open loop: on schedule, whatever
   the answers), then --burst at once; --duplicates of them repeat an earlier MessageSid;
4. reports throughput, p50/p99 and the cores each part used per phase, then starts
   --drain-workers more workers, waits (at most --drain seconds) for them and checks: every
   distinct MessageSid stored exactly once, handled once, and every resulting request
   matched, offered or escalated.

Latest figures: docs/benchmarks.md.
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

# The same server settings, token and readiness check as the webhook benchmark.
from webhooks import server_env, wait_for

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BODIES = ["Hjälp med mat", "Kan någon handla åt mig?", "Apoteket, tack", "Behöver mat idag"]
BENCH_NAME = "Bench resident "
SETTLED = ("offered", "assigned", "escalated", "done")


class Phase:
    """Sends `requests` at `schedule` offsets over `connections` keep-alive connections spread
    over the daphne ports; records latency from the scheduled time (so queueing counts).

    One asyncio loop writes pre-encoded requests and reads the answers, so the generator's
    own CPU stays small beside the servers it shares the two cores with."""

    def __init__(self, name, requests, schedule, ports, connections) -> None:
        self.name, self.requests, self.schedule = name, requests, schedule
        self.ports, self.connections = ports, connections
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.wall = 0.0

    def run(self, deadline: float) -> None:
        asyncio.run(self._run(deadline))

    async def _run(self, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.2
        limit = start + (deadline - time.monotonic())
        pending = iter(range(len(self.requests)))

        async def sender(k: int) -> None:
            port = self.ports[k % len(self.ports)]
            host = f"Host: 127.0.0.1:{port}\r\n".encode()
            stream = None
            for i in pending:
                due = start + self.schedule[i]
                if loop.time() > limit:
                    break
                await asyncio.sleep(max(due - loop.time(), 0))
                head, body = self.requests[i]
                try:
                    if stream is None:
                        stream = await asyncio.open_connection("127.0.0.1", port)
                    reader, writer = stream
                    writer.write(head + host + b"\r\n" + body)
                    status = await asyncio.wait_for(_response(reader), timeout=30)
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    if stream is not None:
                        stream[1].close()
                    stream, status = None, 0
                self.latencies.append(loop.time() - due)
                self.statuses[status] = self.statuses.get(status, 0) + 1
            if stream is not None:
                stream[1].close()

        senders = [sender(k) for k in range(self.connections)]
        await asyncio.wait_for(asyncio.gather(*senders), timeout=max(limit - loop.time(), 0) + 35)
        self.wall = loop.time() - start

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def quantile(self, percent: int) -> float:
        if len(self.latencies) < 2:
            return 0.0
        return statistics.quantiles(self.latencies, n=100)[percent - 1]

    def report(self) -> bool:
        count = len(self.latencies)
        errors = count - self.statuses.get(200, 0) + len(self.requests) - count
        print(
            f"{self.name:7s} {count:6d} sent  {self.throughput:7.1f} msg/s  "
            f"p50 {self.quantile(50) * 1000:7.1f} ms  p99 {self.quantile(99) * 1000:7.1f} ms  "
            f"errors {errors}  {self.statuses}"
        )
        return errors == 0


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of `pids` so far (Linux /proc); 0 for one that has gone."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class CpuMeter:
    """CPU seconds spent by each part of the run over a phase: where two cores went."""

    def __init__(self, parts: dict[str, list[int]]) -> None:
        self.parts = parts
        self.before = self.read()

    def read(self) -> dict[str, float]:
        now = {name: cpu_seconds(pids) for name, pids in self.parts.items()}
        now["postgres"] = cpu_seconds(postgres_pids())
        now["generator"] = time.process_time()
        return now

    def report(self, wall: float) -> str:
        after = self.read()
        spent = {name: after[name] - self.before.get(name, 0.0) for name in after}
        shares = "  ".join(f"{name} {seconds / wall:.2f}" for name, seconds in spent.items())
        return f"        cores busy: {shares}  (of {os.cpu_count()})"


async def _response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response with a Content-Length; returns its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return int(lines[0].split(" ", 2)[1])


def build(count: int, phones: list[str], duplicates: float, rng: random.Random, url: str):
    """`count` signed webhooks; a share of them repeat an earlier MessageSid exactly, as
    Twilio's retries do. Returns the requests and the distinct sids in order."""
    from notifications.webhooks import twilio_signature

    requests, sids, payloads = [], [], []
    for _ in range(count):
        if payloads and rng.random() < duplicates:
            params = rng.choice(payloads[-500:])
        else:
            sid = "SM" + uuid.uuid4().hex
            params = {
                "MessageSid": sid,
                "AccountSid": "AC" + "0" * 32,
                "From": phones[len(sids)],
                "To": "+46700000000",
                "Body": rng.choice(BODIES),
                "NumSegments": "1",
            }
            sids.append(sid)
            payloads.append(params)
        body = urlencode(params).encode()
        # Everything but the Host line, which names the port the request goes to.
        head = (
            "POST /sms/inbound/ HTTP/1.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {twilio_signature(url, params)}\r\n"
            f"Content-Length: {len(body)}\r\n"
        ).encode()
        requests.append((head, body))
    return requests, sids


def seed_residents(count: int) -> list[str]:
    """One known resident per distinct message, spread over the demo districts."""
    from helpdesk.models import Resident
    from places.models import District

    districts = list(District.objects.all())
    rng = random.Random(11)
    residents = []
    for i in range(count):
        district = districts[i % len(districts)]
        residents.append(
            Resident(
                name=f"{BENCH_NAME}{i}",
                phone=f"+467390{i:05d}",
                address=f"Testgatan {i}",
                district=district,
                lat=district.lat + rng.uniform(-0.01, 0.01),
                lon=district.lon + rng.uniform(-0.01, 0.01),
                language="sv",
            )
        )
    Resident.objects.bulk_create(residents, batch_size=1000)
    return [str(r.phone) for r in residents]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--duplicates", type=float, default=0.2)
    parser.add_argument("--web", type=int, default=2, help="daphne processes")
    parser.add_argument("--workers", type=int, default=1, help="task_workers while sending")
    parser.add_argument(
        "--drain-workers", type=int, default=1, help="more task_workers once sending stops"
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=19,
        help="workers' niceness: on shared cores, taking messages in comes before handling them",
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8610)
    parser.add_argument("--drain", type=float, default=1800, help="seconds to wait for workers")
    args = parser.parse_args()
    if not (os.getenv("DATABASE_URL", "").startswith("postgres") and os.getenv("REDIS_URL")):
        raise SystemExit("set DATABASE_URL (PostgreSQL, flushed!) and REDIS_URL (see --help)")
    database_check(os.environ["DATABASE_URL"])
    steady = min(int(args.rate * args.seconds), 50000)
    burst = min(args.burst, 10000)

    env = server_env(args.port, DATABASE_POOL_MAX_SIZE=os.getenv("DATABASE_POOL_MAX_SIZE", "8"))
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import close_old_connections

    def manage(*cmd: str) -> None:
        subprocess.run([PY, "manage.py", *cmd], cwd=ROOT, env=env, check=True, timeout=600)

    manage("migrate", "--noinput", "-v0")
    manage("flush", "--noinput", "-v0")
    manage("seed_demo")
    # As the Procfile's worker does: the sweep retries whatever a failed task left unhandled.
    manage("sms_sweep", "--schedule")
    rng = random.Random(7)
    phones = seed_residents(steady + burst)
    url = env["PUBLIC_BASE_URL"] + "/sms/inbound/"
    requests, sids = build(steady + burst, phones, args.duplicates, rng, url)
    close_old_connections()
    analyser = None
    if Analyser.needed(os.environ["DATABASE_URL"]):
        print("autovacuum is off on this server: the benchmark runs ANALYZE every 10 s instead")
        analyser = Analyser(os.environ["DATABASE_URL"])
        analyser.start()

    ports = [args.port + i for i in range(args.web)]
    processes = []
    kept = False
    logs = Path(tempfile.mkdtemp(prefix="samhjalp-load-"))
    print(f"process logs in {logs}")
    try:
        for port in ports:
            cmd = [PY, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(port)]
            cmd += ["-v", "0", "config.asgi:application"]
            out = (logs / f"daphne-{port}.log").open("ab")
            processes.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out))
        for port in ports:
            wait_for(port, timeout=60)

        def worker_start(n: int) -> None:
            cmd = ["nice", "-n", str(args.worker_nice), PY, "manage.py", "task_worker"]
            cmd += ["--no-reload", "--interval", "0.2", "-v0"]
            out = (logs / f"worker-{n}.log").open("ab")
            processes.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out))

        for n in range(args.workers):
            worker_start(n)

        print(
            f"{args.web} daphne, {args.workers} workers (nice {args.worker_nice}) and "
            f"{args.drain_workers} more for the drain, PostgreSQL + Redis; "
            f"{steady} at {args.rate:g}/s then a burst of {burst}; "
            f"{args.duplicates:.0%} repeated deliveries; {len(sids)} distinct MessageSids"
        )
        steady_phase = Phase(
            "steady",
            requests[:steady],
            [i / args.rate for i in range(steady)],
            ports,
            args.connections,
        )
        parts = {
            "web": [p.pid for p in processes[: len(ports)]],
            "workers": [p.pid for p in processes[len(ports) :]],
        }
        meter = CpuMeter(parts)
        steady_phase.run(deadline=time.monotonic() + args.seconds + 60)
        steady_cpu = meter.report(steady_phase.wall)
        meter = CpuMeter(parts)
        burst_phase = Phase("burst", requests[steady:], [0.0] * burst, ports, args.connections)
        burst_phase.run(deadline=time.monotonic() + 120)
        burst_cpu = meter.report(burst_phase.wall)
        ok = steady_phase.report()
        # Kept up: the asked rate achieved, and answers within a second of their schedule.
        kept = steady_phase.throughput >= 0.97 * args.rate and steady_phase.quantile(99) <= 1.0
        ok &= kept
        print(steady_cpu)
        ok &= burst_phase.report()
        print(burst_cpu)
        # As a worker pool scaled on queue length would: more hands once the spike is in.
        for n in range(args.workers, args.workers + args.drain_workers):
            worker_start(n)
        ok &= drain_and_check(sids, args.drain)
    finally:
        if analyser is not None:
            analyser.stop.set()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    print(
        f"target  {args.rate:g} msg/s for {args.seconds:g} s: "
        + ("kept" if kept else "NOT kept (under 97% of the rate, or p99 over 1 s)")
    )
    print("result  " + ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


class Analyser(threading.Thread):
    """Refreshes the planner's statistics every `every` seconds, as autovacuum would, on a
    server that runs without it (this machine's test server does). With statistics from the
    empty tables after the flush, the task queue's claim sorts every waiting task on each
    claim (14 ms with 5,000 waiting) instead of reading the first from its index (0.3 ms)."""

    def __init__(self, url: str, every: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.url, self.every, self.stop = url, every, threading.Event()

    @staticmethod
    def needed(url: str) -> bool:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as connection:
            return connection.execute("SHOW autovacuum").fetchone()[0] != "on"

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as connection:
            while not self.stop.wait(self.every):
                connection.execute("ANALYZE")


def database_check(url: str) -> None:
    """Stop with the reason, rather than after the pool's 20 s of retries, if the benchmark's
    database cannot be reached (most often: not created yet)."""
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        name = url.rsplit("/", 1)[-1]
        reason = str(exc).strip().splitlines()[-1]
        message = f"cannot open {name!r}: {reason}\n(create it with: createdb {name})"
        raise SystemExit(message) from None


def drain_and_check(sids: list[str], drain: float) -> bool:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from helpdesk.models import HelpRequest
    from notifications.models import Message

    inbound = Message.objects.filter(direction="in")
    ours = HelpRequest.objects.filter(resident__name__startswith=BENCH_NAME)
    started = time.monotonic()
    deadline = started + drain
    while time.monotonic() < deadline:
        unhandled = inbound.filter(claimed_at__isnull=True).count()
        unsettled = ours.filter(status__in=["new", "matching"]).count()
        if not unhandled and not unsettled:
            break
        time.sleep(2)
    drained = time.monotonic() - started
    stored = set(inbound.values_list("provider_id", flat=True))
    duplicated = inbound.values("provider_id").annotate(n=Count("id")).filter(n__gt=1).count()
    lost = len(set(sids) - stored)
    handled = inbound.filter(claimed_at__isnull=False).count()
    requests = ours
    statuses = dict(requests.values_list("status").annotate(n=Count("id")))
    unsettled = sum(n for status, n in statuses.items() if status not in SETTLED)
    print(
        f"rows    {len(stored)} stored for {len(sids)} distinct MessageSids: {lost} lost, "
        f"{duplicated} duplicated; {handled} handled"
    )
    print(
        f"drain   {drained:.0f} s after the last webhook; {requests.count()} requests "
        f"{statuses}; {unsettled} not matched, offered or escalated"
    )
    # A failed task loses nothing (the sweep retries its message) but is an error all the same.
    failures = dict(
        DBTaskResult.objects.filter(status="FAILED")
        .values_list("exception_class_path")
        .annotate(n=Count("id"))
    )
    outbound = dict(
        Message.objects.filter(direction="out").values_list("status").annotate(n=Count("id"))
    )
    print(f"tasks   {sum(failures.values())} failed {failures or ''}; SMS out by status {outbound}")
    ok = lost == 0 and duplicated == 0 and handled == len(sids) and unsettled == 0
    return ok and not failures


if __name__ == "__main__":
    main()
