"""Error reports leave masked: a fake Sentry endpoint on loopback receives the envelopes the
real sentry-sdk sends, and no phone number arrives in them. JSON log lines carry the request
id that the response sends back."""

import gzip
import http.server
import io
import json
import logging
import threading
import zlib

import pytest
import sentry_sdk

from config.logging import MaskPersonalData
from config.requestid import JsonFormatter, RequestIdFilter, sentry_init, sentry_logging_mask

# Importing sentry-sdk (above) gave its logger a handler; every handler masks.
sentry_logging_mask()

PHONE = "+46701740685"
SPELLINGS = (PHONE, "070-174 06 85", "0046 70 174 06 85")


class FakeSentry(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_sentry():
    FakeSentry.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public@127.0.0.1:{server.server_address[1]}/1", FakeSentry.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def sentry(fake_sentry):
    dsn, received = fake_sentry
    sentry_init(dsn=dsn, environment="test")
    yield received
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.init()  # no DSN: the rest of the run sends nothing


def events(received: list[bytes]) -> list[dict]:
    found = []
    for envelope in received:
        for line in envelope.split(b"\n"):
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and (
                "exception" in item or "logentry" in item or "message" in item
            ):
                found.append(item)
    return found


def refund_for(phone: str) -> None:
    callers = {"phone": phone, "also": f"ring {SPELLINGS[1]}"}  # a local the frame will show
    raise RuntimeError(f"no refund for {phone}, also tried {SPELLINGS[2]}: {len(callers)}")


def test_errors_arrive_with_every_number_masked(sentry):
    try:
        refund_for(PHONE)
    except RuntimeError:
        sentry_sdk.capture_exception()
    logging.getLogger("helpdesk").error("SMS to %s bounced", PHONE)
    sentry_sdk.add_breadcrumb(message=f"looked up {SPELLINGS[1]}")
    sentry_sdk.capture_message(f"callback for {PHONE}")
    sentry_sdk.flush(timeout=5)

    arrived = events(sentry)
    assert len(arrived) >= 3, sentry
    raw = b"\n".join(sentry).decode()
    assert "RuntimeError" in raw and "refund_for" in raw
    for spelling in SPELLINGS:
        assert spelling not in raw, spelling
    assert "70174" not in raw.replace(" ", "").replace("-", "")
    assert "46*******85" in raw


def test_a_request_error_is_reported_with_its_request_id_and_no_number(sentry, client, settings):
    from django.urls import path

    def broken(request):
        raise ValueError(f"broken for {request.GET['phone']}")

    from django.contrib.auth.decorators import login_not_required

    from config import urls

    broken_route = [path("broken", login_not_required(broken))]
    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": broken_route + urls.urlpatterns})
    client.raise_request_exception = False
    response = client.get("/broken", {"phone": PHONE}, HTTP_X_REQUEST_ID="req-abcdef123")
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    raw = b"\n".join(sentry).decode()
    assert "broken for +46*******85" in raw
    assert "req-abcdef123" in raw
    assert PHONE not in raw and "%2B46701740685" not in raw


def test_json_log_lines_carry_the_request_id_and_masked_numbers(client, settings):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalData())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get(f"/no-such-page/{PHONE}/", HTTP_X_REQUEST_ID="req-0123456789")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "req-0123456789"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "django.request wrote nothing"
    assert all(line["request_id"] == "req-0123456789" for line in lines)
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert PHONE not in stream.getvalue()


def test_a_made_up_request_id_is_replaced(client):
    response = client.get("/login/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_a_request_error_tells_nothing_of_what_the_resident_typed(sentry, client, settings):
    """The form's body, the query's free text, cookies and a frame's variables stay home: a
    name and an address typed at intake never reach the error report. (The typed values are
    put together at run time: the report quotes this file's source lines around a frame.)"""
    from django.contrib.auth.decorators import login_not_required
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    from config import urls

    def broken(request):
        resident = {"name": request.POST["name"], "address": request.POST["address"]}
        raise ValueError(f"could not save the resident ({len(resident)} fields)")

    name, address, cookie = (
        "-".join(p) for p in (("Signe", "Lo"), ("Stor", "gatan 5"), ("k", "9"))
    )
    route = [path("broken", csrf_exempt(login_not_required(broken)))]
    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": route + urls.urlpatterns})
    client.raise_request_exception = False
    client.cookies["preference"] = cookie
    response = client.post(f"/broken?who={name}&days=30", {"name": name, "address": address})
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    raw = b"\n".join(sentry).decode()
    assert "could not save the resident" in raw
    for secret in (name, address, cookie):
        assert secret not in raw, secret
    assert '"data":"[Filtered]"' in raw


def test_daphne_access_lines_are_json_lines_too_and_masked(monkeypatch):
    import datetime as dt
    import io

    from daphne.access import AccessLogGenerator

    from config.logging import access_log_masking_install

    monkeypatch.setenv("LOG_FORMAT", "json")
    access_log_masking_install()
    stream = io.StringIO()
    AccessLogGenerator(stream).write_entry(
        host="127.0.0.1:54748",
        date=dt.datetime(2026, 12, 1, 13, 0),
        request=f"GET /intake/lookup/?phone={PHONE}",
        status=200,
        length=512,
    )
    line = json.loads(stream.getvalue())
    assert line["logger"] == "daphne.access" and line["status"] == 200
    assert PHONE not in stream.getvalue() and "*" in line["request"]
    monkeypatch.setenv("LOG_FORMAT", "plain")
    stream = io.StringIO()
    AccessLogGenerator(stream).write_entry(
        host="127.0.0.1:1", date=dt.datetime(2026, 12, 1), request="GET /livez", status=200
    )
    assert stream.getvalue().startswith("127.0.0.1:1 - - [01/Dec/2026")
