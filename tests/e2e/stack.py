"""The real processes of `make run` (daphne and the db_worker, on the in-memory channel layer
and a SQLite file of their own) for end-to-end tests, on a loopback port in 8300-8399."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "samhjalp-demo"


def free_port(start: int = 8300, end: int = 8399) -> int:
    offset = int(os.getenv("PYTEST_XDIST_WORKER", "gw0").lstrip("gw") or 0) * 20
    for port in range(start + offset, end + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8300-8399")


@dataclass
class Stack:
    directory: Path
    port: int = 0
    processes: list = field(default_factory=list)
    extra_env: dict = field(default_factory=dict)
    # The tree the processes run from (tests/deploy runs a released checkout).
    root: Path = ROOT

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            SQLITE_PATH=str(self.directory / "stack.sqlite3"),
            PUBLIC_BASE_URL=self.base,
            SMS_BACKEND="console",
            DJANGO_SETTINGS_MODULE="config.settings",
            LOG_LEVEL="WARNING",
            # No tile server: a browser under test asks nothing of the network beyond loopback
            # (the maps draw the district boundaries alone).
            MAP_TILE_URL="",
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.root,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
            **kwargs,
        )

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).stdout

    def start(self) -> "Stack":
        self.port = free_port()
        self.manage("migrate", "--noinput")
        self.manage("seed_demo", "--if-empty")
        self.log = open(self.directory / "stack.log", "a")  # noqa: SIM115 (closed in stop)
        self.processes = [
            self.web_process(),
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.5"],
                cwd=self.root,
                env=self.env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            ),
        ]
        self.web_wait()
        return self

    def web_process(self, port: int | None = None) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port or self.port),
            ]
            + ["config.asgi:application"],
            cwd=self.root,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def web_stop(self) -> None:
        self.processes[0].terminate()
        self.processes[0].wait(timeout=10)

    def web_start(self) -> None:
        self.processes[0] = self.web_process()
        self.web_wait()

    def web_wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)  # noqa: S310 (loopback)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("daphne did not start: " + (self.directory / "stack.log").read_text())

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []
        self.log.close()

    def session_cookie(self, username: str) -> str:
        """Log in through the real login form; returns the Cookie header for a websocket."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(self.base + "/login/", timeout=5)
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"}
        )
        opener.open(request, timeout=5)
        cookies = {c.name: c.value for c in jar}
        assert "sessionid" in cookies, "login failed"
        return "; ".join(f"{k}={v}" for k, v in cookies.items())
