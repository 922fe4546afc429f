"""A login flood beside an operator at work, against daphne on loopback, in one run.

    .venv/bin/python bench/login_flood.py [--guessers 16] [--operator-requests 150]

Starts daphne with the demo data on a temporary SQLite file, logs an operator in, and times
the operator's pages (board, intake, a request) first on a quiet server, then while
`--guessers` anonymous clients guess passwords against /login/ and /admin/login/: the demo's
real user names and made-up ones, `--names` in all, each guesser cycling through them (or,
with `--random-names`, a new made-up name for every guess, which never reaches a lock-out),
while a colleague signs in from the same address every two seconds. Prints the operator's p95
quiet and under the flood, their ratio (target: within 2x), what the guessers got, how many
passwords the server hashed for attempts it refused as locked out (target 0), and how many of
the colleague's sign-ins got in (target: all).

The server counts its hashing itself: the run's settings put a counting PBKDF2 hasher (the
same algorithm and cost as production) in PASSWORD_HASHERS, and a middleware that records,
for each login POST, its status, whether axes refused it before evaluating it, and the hashes
it cost. Every loop is bounded in count and time; nothing leaves 127.0.0.1.

Latest figures: docs/benchmarks.md.
"""

import argparse
import http.client
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.hashers import PBKDF2PasswordHasher

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DEADLINE_SECONDS = 180
DEMO_PASSWORD = "samhjalp-demo"  # noqa: S105 (the demo's printed login)
REAL_NAMES = ["operator", "operator2", "coordinator", "coordinator2", "analyst"]
MADE_UP = ["admin", "root", "test", "user", "support", "huddinge", "info", "kommun", "anna"]
AUDIT = threading.local()
# A colleague who signs in now and then during the flood, with the right password, from the
# same address as the guessers (an office behind one NAT).
COLLEAGUE = "operator2"


class CountingHasher(PBKDF2PasswordHasher):
    """Production's PBKDF2 (same name, same cost), counting its work per request thread."""

    def encode(self, password, salt, iterations=None):
        AUDIT.hashes = getattr(AUDIT, "hashes", 0) + 1
        return super().encode(password, salt, iterations)


class LoginAudit:
    """Writes one line per login POST: status, refused before evaluation (axes flagged the
    lock-out without recording a new failure), passwords hashed."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.path = os.environ["BENCH_LOGIN_AUDIT"]

    def __call__(self, request):
        AUDIT.hashes = 0
        response = self.get_response(request)
        if request.method == "POST" and request.path.endswith("/login/"):
            # The lock-out page (Retry-After: the lock's length) for an attempt that added no
            # failure: refused as already locked out. "busy" is the answer of a guess that
            # found every password check taken (Retry-After: 2).
            locked = response.status_code == 429 and response.get("Retry-After") != "2"
            refused = locked and getattr(request, "axes_failures_since_start", None) is None
            busy = response.status_code == 429 and response.get("Retry-After") == "2"
            colleague = int(request.POST.get("username") == COLLEAGUE)
            line = f"{response.status_code} {int(refused)} {AUDIT.hashes} {int(busy)} {colleague}"
            with open(self.path, "a") as audit:
                audit.write(line + "\n")
        return response


SETTINGS = """from config.settings import *  # noqa: F403
PASSWORD_HASHERS = ["bench.login_flood.CountingHasher"]
MIDDLEWARE = ["bench.login_flood.LoginAudit", *MIDDLEWARE]  # noqa: F405
"""


class Session:
    """One client on one keep-alive connection, with its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0, ""
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text


def operator_pages(port: int, database: Path) -> tuple[Session, list[str]]:
    with sqlite3.connect(database) as db:
        (request_id,) = db.execute("SELECT min(id) FROM helpdesk_helprequest").fetchone()
    session = Session(port)
    session.request("GET", "/login/")
    status, _ = session.request(
        "POST", "/login/", {"username": "operator", "password": DEMO_PASSWORD}
    )
    assert status == 302 and "sessionid" in session.cookies, f"operator login: {status}"
    return session, ["/", "/intake/", f"/requests/{request_id}/"]


def operator_work(session: Session, paths: list[str], count: int) -> list[float]:
    latencies = []
    deadline = time.monotonic() + DEADLINE_SECONDS
    for i in range(count):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        status, _ = session.request("GET", paths[i % len(paths)])
        latencies.append(time.perf_counter() - started)
        assert status == 200, f"operator page {paths[i % len(paths)]}: {status}"
    return latencies


def guesser(port: int, index: int, names: list[str], stop: threading.Event, seen: dict) -> None:
    """Guesses passwords for `names` in turn, or for a new made-up name each time when
    `names` is empty (names that never reach a lock-out)."""
    import random

    rng = random.Random(index)  # noqa: S311 (made-up user names)
    session = Session(port)
    session.request("GET", "/login/")
    session.request("GET", "/admin/login/")
    deadline = time.monotonic() + DEADLINE_SECONDS
    attempt = 0
    while not stop.is_set() and time.monotonic() < deadline and attempt < 5000:
        name = names[(index + attempt) % len(names)] if names else random_name(rng)
        path = "/login/" if attempt % 2 == 0 else "/admin/login/"
        status, _ = session.request("POST", path, {"username": name, "password": f"x{attempt}"})
        seen[status] = seen.get(status, 0) + 1
        attempt += 1


def random_name(rng) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))


def colleague(port: int, stop: threading.Event, results: list) -> None:
    """Signs in afresh every two seconds until the flood ends: (status, seconds) each."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not stop.is_set() and time.monotonic() < deadline and len(results) < 100:
        session = Session(port)
        session.request("GET", "/login/")
        started = time.perf_counter()
        status, _ = session.request(
            "POST", "/login/", {"username": COLLEAGUE, "password": DEMO_PASSWORD}
        )
        results.append((status, time.perf_counter() - started))
        stop.wait(2)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guessers", type=int, default=16)
    parser.add_argument("--names", type=int, default=13, help="user names guessed (4 real)")
    parser.add_argument(
        "--random-names", action="store_true", help="a new made-up user name for every guess"
    )
    parser.add_argument("--operator-requests", type=int, default=150)
    parser.add_argument("--port", type=int, default=8190)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from webhooks import run, server_env, wait_for

    tmp = Path(tempfile.mkdtemp(prefix="samhjalp-login-flood-"))
    (tmp / "login_flood_settings.py").write_text(SETTINGS)
    audit = tmp / "audit.txt"
    env = server_env(args.port, SQLITE_PATH=str(tmp / "bench.sqlite3"))
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="login_flood_settings",
        PYTHONPATH=os.pathsep.join([str(tmp), str(ROOT)]),
        BENCH_LOGIN_AUDIT=str(audit),
    )
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "seed_demo"], env)
    # The colleague's own name is not among those guessed: guesses for one name from one
    # address lock that name there, whoever types it (the price of locking name and address
    # together instead of the address alone).
    guessable = [n for n in REAL_NAMES if n != COLLEAGUE] + MADE_UP
    names = guessable[: max(1, min(args.names, len(guessable)))]
    if args.random_names:
        names = []

    daphne = subprocess.Popen(
        [PY, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(args.port)]
        + ["config.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(args.port)
        session, paths = operator_pages(args.port, tmp / "bench.sqlite3")
        operator_work(session, paths, 30)  # warm up
        quiet = operator_work(session, paths, args.operator_requests)

        stop = threading.Event()
        seen: dict[int, int] = {}
        threads = [
            threading.Thread(target=guesser, args=(args.port, i, names, stop, seen))
            for i in range(args.guessers)
        ]
        signed_in: list[tuple[int, float]] = []
        threads.append(threading.Thread(target=colleague, args=(args.port, stop, signed_in)))
        started = time.perf_counter()
        for t in threads:
            t.start()
        flood = operator_work(session, paths, args.operator_requests)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        flood_seconds = time.perf_counter() - started
    finally:
        daphne.terminate()
        try:
            daphne.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daphne.kill()

    rows = [line.split() for line in audit.read_text().splitlines()]
    operator_login = rows[0]
    guesses = [r for r in rows[1:] if r[4] == "0"]
    refused = [r for r in guesses if r[1] == "1"]
    busy = sum(1 for r in guesses if r[3] == "1")
    refused_hashes = sum(int(r[2]) for r in refused)
    hashed = sum(int(r[2]) for r in guesses)
    ratio = p95(flood) / p95(quiet)
    print(f"operator  quiet  {len(quiet):4d} pages  p95 {p95(quiet):7.1f} ms")
    print(
        f"operator  flood  {len(flood):4d} pages  p95 {p95(flood):7.1f} ms  ({flood_seconds:.1f} s)"
    )
    print(f"ratio     {ratio:.2f}x under the flood (target within 2x)")
    print(
        f"guessers  {args.guessers} clients, {len(names)} user names, {len(guesses)} attempts "
        f"{dict(sorted(seen.items()))}: {len(refused)} refused as locked out, {busy} asked "
        "to try again (every password check busy)"
    )
    print(
        f"hashing   {hashed} passwords hashed for guesses, {refused_hashes} of them for "
        f"locked-out attempts (target 0); operator login {operator_login[2]}"
    )
    colleague_ok = [seconds for status, seconds in signed_in if status == 302]
    colleague_p95 = p95(colleague_ok) / 1000 if len(colleague_ok) > 1 else max(colleague_ok or [0])
    print(
        f"colleague {len(colleague_ok)} of {len(signed_in)} sign-ins from the same address "
        f"got in during the flood, p95 {colleague_p95:.1f} s (target: all)"
    )
    ok = refused_hashes == 0 and ratio <= 2.0 and signed_in and len(colleague_ok) == len(signed_in)
    print("result    " + ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
