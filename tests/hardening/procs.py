"""Real processes for the fault tests: daphne, db_worker, a private Redis and a private
PostgreSQL cluster, each on a loopback port of this suite's own range, each stopped by its
own id when the test ends. Nothing here touches the shared PostgreSQL or Redis."""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .fakes import ACCOUNT_SID, AUTH_TOKEN

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
# Another range through FAULT_PORT_BASE, when two checkouts run these tests side by side.
_PORT_BASE = int(os.getenv("FAULT_PORT_BASE", "8600"))
PORTS = range(_PORT_BASE, _PORT_BASE + 100)


def port_free() -> int:
    """A free loopback port in PORTS; each xdist worker searches its own slice."""
    worker = os.getenv("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    slice_ = int(worker) % 4 if worker.isdigit() else 0
    start = PORTS.start + slice_ * 25
    for port in range(start, start + 25):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in this worker's slice of {PORTS}")


def wait_until(check, timeout: float, interval: float = 0.1):
    """Poll `check()` until it returns something truthy, or return its last value at timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def http_get(port: int, path: str, timeout: float = 5, headers: dict | None = None):
    """(status, body); (0, error) when nothing answers."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        return 0, f"{type(exc).__name__}: {exc}"


def http_post(port: int, path: str, body: bytes, headers: dict, timeout: float = 10):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        return 0, f"{type(exc).__name__}: {exc}"


class Process:
    def __init__(self, name: str, cmd: list[str], env: dict, log_dir: Path, **kw) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        self.popen = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kw,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no finally blocks, as when the machine loses the process."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        if not self.alive():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


class Stack:
    """The project's processes on one database: run scripts, start daphne and workers."""

    def __init__(
        self, tmp: Path, *, database_url: str = "", redis_url: str = "", twilio_url: str = ""
    ) -> None:
        self.tmp = tmp
        self.processes: list[Process] = []
        self.port = port_free()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMS_"))}
        env.pop("REDIS_URL", None)
        env.pop("DATABASE_URL", None)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.hardening.fault_settings",
            DJANGO_DEBUG="False",
            DJANGO_SECRET_KEY="fault-tests-" + "k" * 40,
            DJANGO_SECURE_SSL_REDIRECT="False",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            PUBLIC_BASE_URL=f"http://127.0.0.1:{self.port}",
            SMS_BACKEND="twilio" if twilio_url else "console",
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            TWILIO_FROM="+46700000000",
            FAKE_TWILIO_URL=twilio_url,
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        else:
            env["SQLITE_PATH"] = str(tmp / "db.sqlite3")
        if redis_url:
            env["REDIS_URL"] = redis_url
        self.env = env

    def manage(self, *args: str, timeout: float = 60) -> str:
        result = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def script(self, code: str, timeout: float = 60):
        """Run `code` in a fresh process on this stack's database; returns its `result`."""
        prelude = "import django, json, sys\ndjango.setup()\nresult = None\n"
        epilogue = "\nprint('RESULT ' + json.dumps(result, default=str))\n"
        completed = subprocess.run(
            [PY, "-c", prelude + code + epilogue],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        line = [x for x in completed.stdout.splitlines() if x.startswith("RESULT ")][-1]
        return json.loads(line.removeprefix("RESULT "))

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the stack's database directly (fast: no Django start-up)."""
        url = self.env.get("DATABASE_URL")
        if url:
            import psycopg

            with psycopg.connect(url, autocommit=True) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with contextlib.closing(sqlite3.connect(self.env["SQLITE_PATH"], timeout=20)) as conn:
            return conn.execute(sql, params).fetchall()

    def start(self, name: str, cmd: list[str]) -> Process:
        process = Process(name, cmd, self.env, self.tmp)
        self.processes.append(process)
        return process

    def worker(self, name: str = "worker") -> Process:
        return self.start(
            name,
            [
                PY,
                "manage.py",
                "task_worker",
                "--interval",
                "0.1",
                "--no-reload",
                "--no-startup-delay",
            ]
            + ["--queue-name", "*"],
        )

    def daphne(self) -> Process:
        process = self.start(
            "daphne",
            [PY, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["config.asgi:application"],
        )
        up = wait_until(lambda: http_get(self.port, "/login/", timeout=1)[0] == 200, 30)
        assert up, "daphne did not start:\n" + process.output()
        return process

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.output()}" for p in self.processes)


class PrivateRedis:
    """A Redis of the test's own: no persistence, so a restart loses everything, as a
    crashed Redis without a disk would."""

    def __init__(self, tmp: Path) -> None:
        self.binary = shutil.which("redis-server")
        self.tmp = tmp
        self.port = port_free()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        cmd += ["--appendonly", "no", "--daemonize", "no", "--dir", str(self.tmp)]
        self.process = Process(f"redis-{self.port}", cmd, dict(os.environ), self.tmp)
        assert wait_until(self.ping, 10), "redis-server did not start"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process:
            self.process.kill()
            self.process = None


def postgres_bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PrivateCluster:
    """A PostgreSQL cluster of the test's own, in a temporary directory, run as `postgres`
    when the suite runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        # Not under pytest's tmp_path: its parents are private to root, and the server runs
        # as postgres.
        self.base = Path(tempfile.mkdtemp(prefix="samhjalp-pg-"))
        self.data = self.base / "pgdata"
        self.socket_dir = self.base / "pgsock"
        self.port = port_free()
        self.as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/samhjalp"

    def run(self, *cmd: str, timeout: float = 60) -> None:
        full = [str(self.bin / cmd[0]), *cmd[1:]]
        if self.as_postgres:
            full = ["runuser", "-u", "postgres", "--", *full]
        result = subprocess.run(full, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stdout + result.stderr

    def init(self) -> None:
        self.data.mkdir()
        self.socket_dir.mkdir()
        if self.as_postgres:
            shutil.chown(self.base, "postgres")
            for path in (self.data, self.socket_dir):
                shutil.chown(path, "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "samhjalp")

    def options(self) -> str:
        return f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self) -> None:
        log = str(self.data.parent / "postgres.log")
        self.run("pg_ctl", "-D", str(self.data), "-o", self.options(), "-l", log, "-w", "start")

    def restart(self) -> None:
        """A fast shutdown (every connection cut) and a start on the same port."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.start()

    def stop(self) -> None:
        with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)
