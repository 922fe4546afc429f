"""Contract test: every request the project makes to Twilio is valid against Twilio's own
OpenAPI description, checked by a Prism mock started with --errors (an invalid request gets
a 422 instead of a made-up answer). The real twilio SDK sends; only the host is rewritten."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from twilio.http.http_client import TwilioHttpClient

from notifications.models import Message
from notifications.services import sms_send
from tests.conftest import service_missing
from tests.factories import mobile

pytestmark = [pytest.mark.prism, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "twilio-oai" / "twilio_api_v2010.json"
TWILIO_API = "https://api.twilio.com"
START_TIMEOUT = 60


def prism_bin() -> str | None:
    candidates = [os.getenv("PRISM_BIN"), str(ROOT / ".ci/prism/node_modules/.bin/prism")]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    return shutil.which("prism")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def prism_url(worker_id, tmp_path_factory):
    binary = prism_bin()
    if binary is None or not SPEC.exists():
        service_missing("prism", f"needs Prism (PRISM_BIN) and the spec at {SPEC}")
    offset = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
    port = 8150 + offset
    if port_open(port):
        pytest.fail(f"port {port} is already in use; Prism cannot start there")
    # Prism logs every request: to a file, so a full pipe can never stall it.
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [binary, "mock", "--errors", "-p", str(port), "-h", "127.0.0.1", str(SPEC)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not port_open(port):
            if process.poll() is not None or time.monotonic() > deadline:
                output = log_path.read_text(errors="replace")[-2000:]
                service_missing("prism", f"Prism did not start on port {port}: {output}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


class PrismHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, sending to Prism instead of api.twilio.com, and keeping
    every exchange so the test can read Prism's verdict."""

    def __init__(self, base: str) -> None:
        super().__init__(timeout=10)
        self.base = base
        self.exchanges: list[tuple[str, dict, object]] = []

    def request(self, method, url, params=None, data=None, **kwargs):
        assert url.startswith(TWILIO_API), url
        response = super().request(
            method, self.base + url[len(TWILIO_API) :], params, data, **kwargs
        )
        self.exchanges.append((url, dict(data or {}), response))
        return response


@pytest.fixture
def prism_twilio(settings, prism_url):
    client = PrismHttpClient(prism_url)
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "prism-token"
    settings.TWILIO_FROM = "+46700000000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_HTTP_CLIENT = client
    settings.PUBLIC_BASE_URL = "https://samhjalp.example.se"
    return client


def assert_accepted(client: PrismHttpClient) -> None:
    assert client.exchanges, "no request reached Prism"
    for url, data, response in client.exchanges:
        violations = response.headers.get("sl-violations")
        assert response.status_code < 400 and not violations, (
            f"Prism refused {url} {data}: {response.status_code} {response.text} {violations}"
        )


BODIES = {
    "swedish": "Hej! Kan du handla åt Greta i dag? Svara 1 4821 för ja, 2 4821 för nej.",
    "arabic": "هل يمكنك التسوق لغريتا اليوم؟ أرسل 1 4821 للقبول",
    "long": "Lång text " * 100,
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_send_from_a_number_is_accepted_by_twilios_spec(prism_twilio, run_tasks, body):
    message = sms_send(to=mobile(), body=body)
    run_tasks()
    assert_accepted(prism_twilio)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.provider_id.startswith("SM")
    (_url, data, _response) = prism_twilio.exchanges[0]
    assert data["StatusCallback"] == f"https://samhjalp.example.se/sms/status/{message.pk}/"


def test_send_through_a_messaging_service_is_accepted(prism_twilio, run_tasks, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "2" * 32
    message = sms_send(to=mobile(), body="Hej")
    run_tasks()
    assert_accepted(prism_twilio)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_prism_really_refuses_an_invalid_request(prism_twilio):
    """Guards the guard: without this, a Prism that accepts anything would pass the above."""
    account = "AC" + "1" * 32
    response = prism_twilio.request(
        "POST",
        f"{TWILIO_API}/2010-04-01/Accounts/{account}/Messages.json",
        data={"Body": "no recipient", "From": "+46700000000"},
        auth=(account, "prism-token"),
    )
    assert response.status_code == 422 and "'To'" in response.text
