"""Probes: /livez answers while Redis is down, /readyz names what is not ready (Redis, the
worker), and probers reach both by address, whatever Host they send."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from notifications.health import Heartbeat

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then let go."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float = 20.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise AssertionError("condition not met in time")


def test_livez_answers_and_readyz_names_redis_when_redis_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.READYZ_WORKER_REQUIRED = False
    assert client.get("/livez").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"]["status"].startswith("error")
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_is_ready_with_a_beating_worker_and_names_it_once_it_stops(
    client, settings, transactional_db
):
    settings.REDIS_URL = ""
    settings.WORKER_HEARTBEAT_INTERVAL = 0.1
    settings.WORKER_HEARTBEAT_STALE = 0.5
    heartbeat = Heartbeat("probe-test-worker")
    heartbeat.start()
    try:
        ready = wait_until(lambda: client.get("/readyz").status_code == 200)
        assert ready
        body = client.get("/readyz").json()
        assert body["checks"]["worker"]["alive"] == 1
        assert "oldest_waiting_since" in body["checks"]["queue"]
    finally:
        heartbeat.stop()
    response = wait_until(lambda: (r := client.get("/readyz")).status_code == 503 and r, timeout=5)
    assert response.json()["failing"] == ["worker"]
    assert client.get("/livez").status_code == 200


def test_readyz_reports_the_oldest_waiting_task(client, settings):
    from notifications.sweep import sms_sweep_task

    settings.REDIS_URL = ""
    sms_sweep_task.enqueue(slot="2000-01-01T00:00:00+00:00")
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert queue["waiting"] == 1
    assert queue["oldest_waiting_since"] is not None
    assert queue["oldest_waiting_age_s"] >= 0


def test_probers_reach_the_probes_by_address_and_others_meet_allowed_hosts(client, settings):
    settings.READYZ_WORKER_REQUIRED = False
    settings.REDIS_URL = ""
    pod = {"HTTP_HOST": "10.42.0.7:8000"}
    assert client.get("/livez", REMOTE_ADDR="127.0.0.1", **pod).status_code == 200
    assert client.get("/readyz", REMOTE_ADDR="127.0.0.1", **pod).status_code == 200
    assert client.get("/livez", REMOTE_ADDR="203.0.113.9", **pod).status_code == 400
    settings.PROBE_NETWORKS = ["10.42.0.0/16"]
    assert client.get("/livez", REMOTE_ADDR="10.42.3.1", **pod).status_code == 200
    assert client.get("/livez", REMOTE_ADDR="127.0.0.1", **pod).status_code == 400
    # The old combined check keeps working.
    assert client.get("/healthz").status_code == 200


def test_a_forwarded_chain_is_never_a_prober(client, settings):
    """Behind a router that appends to X-Forwarded-For, daphne takes the leftmost address,
    which the client wrote: "127.0.0.1, <its own>" must not open /metrics or the probes."""
    settings.READYZ_WORKER_REQUIRED = False
    settings.REDIS_URL = ""
    settings.METRICS_TOKEN = ""
    chain = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "127.0.0.1, 203.0.113.9"}
    assert client.get("/metrics", **chain).status_code == 404
    assert client.get("/readyz", HTTP_HOST="scan.example", **chain).status_code == 400
    # One address, as nginx here writes it, is the prober it names.
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1"
        ).status_code
        == 200
    )


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    settings.READYZ_WORKER_REQUIRED = False
    assert client.get("/livez", HTTP_HOST="10.42.0.7").status_code == 200
    assert client.get("/login/").status_code == 301


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.django_db(databases=[])
def test_a_real_worker_beats_and_readyz_names_it_when_it_is_stopped(tmp_path):
    """daphne and `manage.py task_worker` as deployed, on a SQLite file of their own."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SQLITE_PATH=str(tmp_path / "probe.sqlite3"),
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        WORKER_HEARTBEAT_INTERVAL="0.2",
        WORKER_HEARTBEAT_STALE="1.5",
    )
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
    port = free_port()
    log = open(tmp_path / "procs.log", "w")  # noqa: SIM115 (closed below)
    spawn = dict(cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    web = subprocess.Popen(
        [sys.executable, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(port)]
        + ["config.asgi:application"],
        **spawn,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "task_worker", "--interval", "0.2"], **spawn
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def ready():
            try:
                return get_json(base + "/readyz")
            except OSError:
                return None

        status, body = wait_until(lambda: (r := ready()) and r[0] == 200 and r, timeout=60)
        assert body["checks"]["worker"]["alive"] == 1
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)
        status, body = wait_until(lambda: (r := ready()) and r[0] == 503 and r, timeout=10)
        assert body["failing"] == ["worker"]
        assert body["checks"]["worker"]["last_beat"] is not None
        assert get_json(base + "/livez")[0] == 200
    finally:
        for process in (web, worker):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
        log.close()


@pytest.mark.redis
def test_readyz_checks_a_configured_redis_that_answers(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.READYZ_WORKER_REQUIRED = False
    body = client.get("/readyz").json()
    assert body["checks"]["redis"]["status"] == "ok"
    assert body["failing"] == []
