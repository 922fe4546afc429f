"""Board fan-out: latency from a committed change to every one of N connected boards.

Two set-ups, each with the real processes on loopback (ports 8300-8399, a SQLite file of
their own):

- one daphne process with the in-memory channel layer: N boards on it, changes made through
  it (an operator's note on a request, over HTTP);
- two daphne processes sharing Redis: N boards on process B, changes made through process A.

Latency is the board's receive time minus the time the change was written (the outbox row's
timestamp, set just before commit). As the reference, the same run measures the bare channel
layer: a group send to N channels in this process (in-memory) or across two layer instances
(Redis). It also reports the resident set size of the daphne process holding the boards.

    .venv/bin/python bench/fanout.py [--boards 200] [--rate 10] [--seconds 20]

Bounded: a fixed number of changes, then a drain of a few seconds; loopback only.

Latest figures: docs/benchmarks.md.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.stack import Stack, free_port  # noqa: E402

REDIS_URL = os.getenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
FIRST_OPEN_REQUEST = (
    "from helpdesk.models import HelpRequest;"
    "print(HelpRequest.objects.filter(status='new').order_by('pk').first().pk)"
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(latencies: list[float]) -> dict:
    ms = [v * 1000 for v in latencies]
    return {
        "p50": percentile(ms, 50),
        "p99": percentile(ms, 99),
        "max": max(ms),
        "n": len(ms),
        "mean": statistics.fmean(ms),
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Poster:
    """An operator adding notes to one request: each note is one committed board change."""

    def __init__(self, base: str, cookie: str, request_id: int) -> None:
        self.url = f"{base}/requests/{request_id}/note/"
        self.cookie = cookie
        self.csrf = dict(p.split("=", 1) for p in cookie.split("; "))["csrftoken"]

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(NoRedirect)

    def post(self, n: int) -> None:
        data = urllib.parse.urlencode({"text": f"bench {n}", "csrfmiddlewaretoken": self.csrf})
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.url, data=data.encode(), headers={"Cookie": self.cookie}
        )
        try:
            self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            if error.code != 302:
                raise


async def board(uri: str, headers: dict, latencies: list, seen: set, ready: list, stop) -> None:
    async with websockets.connect(
        uri, additional_headers=headers, max_size=None, open_timeout=60
    ) as ws:
        json.loads(await ws.recv())  # the snapshot
        ready.append(1)
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            now = time.time()
            data = json.loads(raw)
            if data["type"] == "event" and data.get("at"):
                latencies.append(now - data["at"])
                seen.add(data["version"])


async def fanout(board_base: str, post_base: str, stack: Stack, args) -> dict:
    port = int(board_base.rsplit(":", 1)[1])
    uri = f"ws://127.0.0.1:{port}/ws/board/"
    headers = {"Cookie": stack.session_cookie("operator2"), "Origin": board_base}
    request_id = int(stack.shell(FIRST_OPEN_REQUEST).strip().splitlines()[-1])
    poster = Poster(post_base, stack.session_cookie("operator"), request_id)
    stop = asyncio.Event()
    latencies: list[float] = []
    seen = [set() for _ in range(args.boards)]
    ready: list = []
    tasks = []
    # Connect in small batches: daphne gives a socket 5 s to be accepted, and a loaded
    # machine with 200 handshakes queued on the database thread pool would miss that.
    deadline = time.monotonic() + 120
    for i in range(args.boards):
        tasks.append(asyncio.create_task(board(uri, headers, latencies, seen[i], ready, stop)))
        while len(ready) < i + 1 - 10 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    while len(ready) < args.boards and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert len(ready) == args.boards, f"only {len(ready)} boards connected"
    await asyncio.sleep(1)
    changes = int(args.rate * args.seconds)
    interval = 1 / args.rate
    start = time.monotonic()
    for n in range(changes):
        await asyncio.to_thread(poster.post, n)
        await asyncio.sleep(max(0.0, start + (n + 1) * interval - time.monotonic()))
    await asyncio.sleep(5)  # drain
    stop.set()
    ended = await asyncio.gather(*tasks, return_exceptions=True)
    # A board the server closed misses every later event; say why, beside the count.
    failures = [repr(e) for e in ended if isinstance(e, BaseException)]
    if failures:
        print(f"{len(failures)} boards ended with an error, e.g. {failures[0]}")
    versions = set().union(*seen)
    if os.getenv("BENCH_DEBUG") and versions:
        short = sorted(len(versions - s) for s in seen if versions - s)
        print("versions", min(versions), max(versions), len(versions), "of", changes)
        print("boards missing events:", len(short), "missing per board:", short[:20])
    lost = sum(len(versions - s) for s in seen) + (changes - len(versions)) * args.boards
    return {"latency": summary(latencies), "changes": changes, "lost": lost}


async def layer_round_trip(make_layers, args) -> dict:
    """The bare channel layer: a group send reaching N channels, at the same rate."""
    sender, receiver = make_layers()
    group = f"bench-{uuid.uuid4().hex[:8]}"
    channels = [await receiver.new_channel() for _ in range(args.boards)]
    for channel in channels:
        await receiver.group_add(group, channel)
    latencies: list[float] = []
    changes = int(args.rate * min(args.seconds, 10))

    async def receive(channel):
        for _ in range(changes):
            message = await receiver.receive(channel)
            latencies.append(time.time() - message["at"])

    receivers = [asyncio.create_task(receive(c)) for c in channels]
    start = time.monotonic()
    for n in range(changes):
        await sender.group_send(group, {"type": "board.event", "at": time.time(), "n": n})
        await asyncio.sleep(max(0.0, start + (n + 1) / args.rate - time.monotonic()))
    await asyncio.wait_for(asyncio.gather(*receivers), 30)
    for channel in channels:
        await receiver.group_discard(group, channel)
    return {"latency": summary(latencies), "lost": changes * args.boards - len(latencies)}


def in_memory_layers():
    from channels.layers import InMemoryChannelLayer

    layer = InMemoryChannelLayer(capacity=1000)
    return layer, layer


def redis_layers():
    from channels_redis.core import RedisChannelLayer

    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    return (
        RedisChannelLayer(hosts=[REDIS_URL], prefix=prefix),
        RedisChannelLayer(hosts=[REDIS_URL], prefix=prefix),
    )


def line(name: str, result: dict, rss: float | None = None) -> str:
    lat = result["latency"]
    text = (
        f"| {name} | {lat['p50']:.1f} | {lat['p99']:.1f} | {lat['max']:.1f} | "
        f"{lat['n']} | {result['lost']} |"
    )
    return text + (f" {rss:.0f} |" if rss is not None else " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--skip-redis", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    rows = [
        "| set-up | p50 ms | p99 ms | max ms | deliveries | lost | daphne RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]

    with tempfile.TemporaryDirectory() as directory:
        stack = Stack(Path(directory)).start()
        try:
            result = asyncio.run(fanout(stack.base, stack.base, stack, args))
            rss = rss_mb(stack.processes[0].pid)
        finally:
            stack.stop()
    rows.append(
        line(
            "bare in-memory layer (reference)",
            asyncio.run(layer_round_trip(in_memory_layers, args)),
        )
    )
    rows.append(line(f"one daphne, in-memory, {args.boards} boards", result, rss))

    if not args.skip_redis:
        with tempfile.TemporaryDirectory() as directory:
            prefix = f"bench-{uuid.uuid4().hex[:8]}"
            stack = Stack(
                Path(directory), extra_env={"REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix}
            )
            stack.start()
            port_b = free_port(stack.port + 1)
            stack.processes.append(stack.web_process(port_b))
            try:
                for _ in range(100):
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port_b}/healthz", timeout=1)  # noqa: S310
                        break
                    except OSError:
                        time.sleep(0.2)
                board_base = f"http://127.0.0.1:{port_b}"
                result = asyncio.run(fanout(board_base, stack.base, stack, args))
                rss = rss_mb(stack.processes[-1].pid)
            finally:
                stack.stop()
        rows.append(
            line(
                "bare Redis layer, two instances (reference)",
                asyncio.run(layer_round_trip(redis_layers, args)),
            )
        )
        rows.append(line(f"two daphne over Redis, {args.boards} boards on B", result, rss))

    print(f"{args.boards} boards, {args.rate:g} changes/s for {args.seconds:g} s")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
