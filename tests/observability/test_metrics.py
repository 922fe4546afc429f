"""/metrics: every figure moves when its event happens, and only a prober or a token reads it."""

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from config.asgi import application
from helpdesk.offers import helprequest_match, offer_accept
from helpdesk.privacy import retention_run
from matching.models import Offer
from notifications.health import worker_beat
from notifications.models import Message
from notifications.services import message_status_apply, sms_send
from notifications.sweep import sms_sweep, sms_sweep_task
from tests.factories import CENTRE, helprequest_make, mobile, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post

pytestmark = pytest.mark.django_db
KM_LAT = 1 / 111.195


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def moved(client, name: str, action, **labels) -> tuple[float, float]:
    before = value(scrape(client), name, **labels)
    action()
    return before, value(scrape(client), name, **labels)


def test_sms_queued_sent_and_failed_by_reason(
    client, run_tasks, django_capture_on_commit_callbacks
):
    to = mobile()
    with django_capture_on_commit_callbacks(execute=True):
        before, after = moved(
            client,
            "samhjalp_sms_messages",
            lambda: sms_send(to=to, body="Hej"),
            direction="out",
            status="queued",
        )
    assert after == before + 1
    before, after = moved(
        client, "samhjalp_sms_messages", run_tasks, direction="out", status="sent"
    )
    assert after == before + 1
    message = Message.objects.get(phone=to)
    before, after = moved(
        client,
        "samhjalp_sms_failed_messages",
        lambda: message_status_apply(
            message_id=message.pk, status="undelivered", error_code="30003"
        ),
        reason="30003",
    )
    assert after == before + 1


def test_inbound_per_minute_and_webhook_latency(client):
    samples = scrape(client)
    signed_post(client, "/sms/inbound/", inbound_params(mobile(), "Hej, jag behöver hjälp"))
    after = scrape(client)
    for name in ("samhjalp_sms_inbound_last_minute", "samhjalp_sms_inbound_received_total"):
        assert value(after, name) == value(samples, name) + 1, name
    count = "samhjalp_webhook_seconds_count"
    assert value(after, count, view="inbound") == value(samples, count, view="inbound") + 1
    assert value(after, "samhjalp_webhook_seconds_sum", view="inbound") > 0


def test_task_queue_depth_and_age(client):
    samples = scrape(client)
    sms_sweep_task.enqueue(slot="2000-01-01T00:00:00+00:00")
    after = scrape(client)
    assert (
        value(after, "samhjalp_task_queue_depth") == value(samples, "samhjalp_task_queue_depth") + 1
    )
    assert value(after, "samhjalp_tasks", status="READY") >= 1
    assert value(after, "samhjalp_task_queue_oldest_age_seconds") >= 0


def test_offers_by_outcome_and_time_to_match(client, django_capture_on_commit_callbacks):
    for i in range(3):
        volunteer_make(lat=CENTRE[0] + (0.5 + i * 0.3) * KM_LAT, lon=CENTRE[1], first_name=f"V{i}")
    request = helprequest_make(task_text="Handla mjölk")
    before = scrape(client)
    with django_capture_on_commit_callbacks(execute=True):
        helprequest_match(request=request)
    offered = scrape(client)
    assert (
        value(offered, "samhjalp_offers", status="pending")
        == value(before, "samhjalp_offers", status="pending") + 3
    )
    with django_capture_on_commit_callbacks(execute=True):
        offer_accept(offer=request.offers.order_by("-score").first())
    accepted = scrape(client)
    assert (
        value(accepted, "samhjalp_offers", status="accepted")
        == value(offered, "samhjalp_offers", status="accepted") + 1
    )
    assert (
        value(accepted, "samhjalp_matched_last_day")
        == value(offered, "samhjalp_matched_last_day") + 1
    )
    assert Offer.objects.filter(status="accepted").count() == 1
    assert value(accepted, "samhjalp_time_to_match_seconds", quantile="0.5") > 0


def test_worker_beat_sweep_and_retention(client):
    before, after = moved(
        client,
        "samhjalp_workers_alive",
        lambda: worker_beat(worker_id="metrics-test", started_at=timezone.now()),
    )
    assert after == before + 1
    assert 0 <= value(scrape(client), "samhjalp_worker_last_beat_age_seconds") < 5
    before, after = moved(client, "samhjalp_sms_sweep_runs_total", sms_sweep)
    assert after == before + 1

    from django_tasks_db.models import DBTaskResult

    sms_sweep_task.enqueue(slot="2000-01-01T00:00:00+00:00")
    DBTaskResult.objects.update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=30)
    )
    samples = scrape(client)
    retention_run()
    after = scrape(client)
    assert (
        value(after, "samhjalp_retention_runs_total")
        == value(samples, "samhjalp_retention_runs_total") + 1
    )
    pruned = "samhjalp_retention_total"
    assert (
        value(after, pruned, what="task_results_pruned")
        >= value(samples, pruned, what="task_results_pruned") + 1
    )


@pytest.mark.django_db(transaction=True)
async def test_open_board_sockets(operator):
    from django.test import AsyncClient, Client

    client = Client()
    await database_sync_to_async(client.force_login)(operator)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"cookie", cookie)]

    async def sockets() -> float:
        response = await AsyncClient().get("/metrics")
        for family in text_string_to_metric_families(response.content.decode()):
            if family.name == "samhjalp_board_sockets_open":
                return family.samples[0].value
        raise AssertionError("no samhjalp_board_sockets_open")

    before = await sockets()
    communicator = WebsocketCommunicator(application, "/ws/board/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from(timeout=5)
    assert await sockets() == before + 1
    await communicator.disconnect()
    assert await sockets() == before


def test_only_probers_or_the_token_read_metrics(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    ok = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-secret"
    )
    assert ok.status_code == 200
    assert b"samhjalp_sms_messages" in ok.content or b"samhjalp_task_queue_depth" in ok.content


def test_the_grafana_dashboard_reads_only_metrics_we_expose(client):
    import json
    import re
    from pathlib import Path

    dashboard = json.loads(
        (Path(__file__).resolve().parents[2] / "deploy/grafana/samhjalp.json").read_text()
    )
    asked = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"samhjalp_\w+", target["expr"])
    }
    exposed = {name for name, _labels in scrape(client)}
    # Label-less families without samples yet (no SMS, no failures) still show in HELP lines.
    exposed |= set(re.findall(r"# TYPE (samhjalp_\w+)", client.get("/metrics").content.decode()))
    exposed |= {f"{name}_total" for name in exposed} | {f"{name}_bucket" for name in exposed}
    assert asked and asked <= exposed, asked - exposed


def test_processes_sum_their_figures_in_multiprocess_mode(tmp_path):
    """Two daphne-like processes with a board socket each: a scrape through a third process
    says two, and once they end, none."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        LOG_LEVEL="WARNING",
    )
    root = Path(__file__).resolve().parents[2]
    setup = "import django; django.setup(); from config import metrics; "
    holder = setup + "metrics.BOARD_SOCKETS.inc(); print('open', flush=True); input()"
    holders = [
        subprocess.Popen(
            [sys.executable, "-c", holder],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]

    def sockets() -> float:
        code = setup + (
            "from prometheus_client import CollectorRegistry, generate_latest, multiprocess; "
            "r = CollectorRegistry(); multiprocess.MultiProcessCollector(r); "
            "print(generate_latest(r).decode())"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
        ).stdout
        for family in text_string_to_metric_families(out):
            if family.name == "samhjalp_board_sockets_open":
                return family.samples[0].value
        return 0.0

    try:
        for holder_process in holders:
            assert holder_process.stdout.readline().strip() == "open"
        assert sockets() == 2
    finally:
        for holder_process in holders:
            holder_process.communicate("\n", timeout=30)
    assert sockets() == 0
