"""Signed inbound SMS webhooks under load against daphne, measured against the same server's
/healthz in the same run.

    .venv/bin/python bench/webhooks.py [--requests 2000] [--concurrency 16]
    DATABASE_URL=postgresql://.../bench_db .venv/bin/python bench/webhooks.py

Starts daphne on a loopback port with a fresh database (a temporary SQLite file, or the
PostgreSQL database DATABASE_URL names, flushed first), fires signed webhooks (10% of them
repeats of an earlier MessageSid, as Twilio's retries would be) and then as many /healthz
requests, and prints throughput and p99 for both and their ratio. Afterwards it counts rows:
every distinct MessageSid must be stored exactly once, with exactly one handling task.
Every loop is bounded in count and time.

Latest figures: docs/benchmarks.md.
"""

import argparse
import http.client
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

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TOKEN = "bench-token"  # noqa: S105 (signs loopback requests to a throwaway server)
DEADLINE_SECONDS = 120


def run(cmd: list[str], env: dict) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"daphne did not answer on port {port} within {timeout}s")


def load(port: int, requests: list[tuple[str, str, bytes, dict]], concurrency: int):
    """Send `requests` over `concurrency` keep-alive connections; latencies and statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(reversed(requests))
    deadline = time.monotonic() + DEADLINE_SECONDS

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    break
                method, path, body, headers = queue.pop()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DEADLINE_SECONDS + 10)
    wall = time.perf_counter() - started
    return latencies, statuses, wall


def summary(name: str, latencies: list[float], statuses: dict, wall: float) -> tuple[float, float]:
    throughput = len(latencies) / wall
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000 if len(latencies) > 1 else 0.0
    print(
        f"{name:9s} {len(latencies):6d} req  {throughput:8.1f} req/s  p99 {p99:7.1f} ms  {statuses}"
    )
    return throughput, p99


def server_env(port: int, **extra: str) -> dict[str, str]:
    """This environment plus production settings for servers on loopback `port`, the
    console SMS backend and the token the benchmark signs its webhooks with."""
    env = dict(os.environ)
    env.update(
        TWILIO_AUTH_TOKEN=TOKEN,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        SMS_BACKEND="console",
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="bench-" + uuid.uuid4().hex,
        DJANGO_SECURE_SSL_REDIRECT="False",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=8180)
    args = parser.parse_args()
    count = min(args.requests, 20000)

    tmp = tempfile.mkdtemp(prefix="samhjalp-bench-")
    env = server_env(args.port)
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from notifications.webhooks import twilio_signature

    database = connection.vendor
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    if env.get("DATABASE_URL"):
        run([PY, "manage.py", "flush", "--noinput", "-v0"], env)

    daphne = subprocess.Popen(
        [
            PY,
            "-m",
            "daphne",
            "--bind",
            "127.0.0.1",
            "--port",
            str(args.port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(args.port)
        url = f"http://127.0.0.1:{args.port}/sms/inbound/"
        rng = random.Random(7)
        sids: list[str] = []
        webhooks = []
        for i in range(count):
            if sids and rng.random() < 0.1:
                sid = rng.choice(sids)  # a retry of an earlier delivery
            else:
                sid = "SM" + uuid.uuid4().hex
                sids.append(sid)
            params = {
                "MessageSid": sid,
                "AccountSid": "AC" + "0" * 32,
                "From": f"+4670174{i % 100:04d}",
                "To": "+46700000000",
                "Body": rng.choice(["1 4821", "Hej, jag behöver hjälp", "مرحبا", "KLAR"]),
            }
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": twilio_signature(url, params),
            }
            webhooks.append(("POST", "/sms/inbound/", urlencode(params).encode(), headers))
        health = [("GET", "/healthz", None, {})] * count

        print(f"database {database}, {count} requests each, concurrency {args.concurrency}")
        load(args.port, health[: min(200, count)], args.concurrency)  # warm up
        hook = summary("webhooks", *load(args.port, webhooks, args.concurrency))
        ref = summary("healthz", *load(args.port, health, args.concurrency))
        print(
            f"ratio     throughput {hook[0] / ref[0]:.2f} of healthz, p99 {hook[1] / ref[1]:.2f}x"
        )
    finally:
        daphne.terminate()
        try:
            daphne.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daphne.kill()

    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from notifications.models import Message

    stored = Message.objects.filter(direction="in")
    duplicated = stored.values("provider_id").annotate(n=Count("id")).filter(n__gt=1).count()
    lost = len(set(sids) - set(stored.values_list("provider_id", flat=True)))
    tasks = DBTaskResult.objects.filter(
        task_path="notifications.inbound.inbound_process_task"
    ).count()
    print(
        f"rows      {stored.count()} stored for {len(sids)} distinct MessageSids: "
        f"{lost} lost, {duplicated} duplicated; {tasks} handling tasks"
    )
    ok = lost == 0 and duplicated == 0 and stored.count() == len(sids) == tasks
    print("result    " + ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
