"""Twilio's REST API as a loopback HTTP server the fault tests control: it answers scripted
failures, counts every request per message, and (like Twilio) posts signed status callbacks."""

import base64
import http.server
import json
import os
import re
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

TWILIO_API = "https://api.twilio.com"
ACCOUNT_SID = "AC" + "f" * 32
AUTH_TOKEN = "fault-test-token"  # noqa: S105 (signs loopback requests to a throwaway server)


class LoopbackTwilioHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, sending to FAKE_TWILIO_URL instead of api.twilio.com."""

    def __init__(self) -> None:
        from django.conf import settings

        super().__init__(timeout=getattr(settings, "SMS_HTTP_TIMEOUT", 10))

    def request(self, method, url, *args, **kwargs):
        return super().request(
            method, url.replace(TWILIO_API, os.environ["FAKE_TWILIO_URL"]), *args, **kwargs
        )


@dataclass
class Hit:
    """One request that reached the fake: which message (from its callback URL), and what
    the fake did with it."""

    at: float
    message_id: int
    to: str
    outcome: str  # "accepted", "500", "429", "hang"
    sid: str = ""


# An answer is chosen per request: "ok", ("status", http_status, twilio_code) or "hang".
Script = Callable[[int, Hit], object]


@dataclass
class FakeTwilio:
    script: Script = field(default=lambda n, hit: "ok")
    respond_after: float = 0.0  # hold every accepted answer this long (a slow provider)
    callbacks: bool = False  # post a signed status callback as soon as a message is accepted
    callback_status: str = "sent"
    hang_seconds: float = 3.0
    port: int = 0
    hits: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.received = threading.Condition(self.lock)
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                fake.handle(self)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:
                pass  # a client that died mid-request (the killed worker) is the point

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # The server side.
    def handle(self, request: http.server.BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        auth = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        callback = form.get("StatusCallback", "")
        match = re.search(r"/sms/status/(\d+)/", callback)
        hit = Hit(time.monotonic(), int(match.group(1)) if match else 0, form.get("To", ""), "")
        with self.lock:
            number = len(self.hits)
            self.hits.append(hit)
            self.received.notify_all()
        if auth != expected:
            hit.outcome = "401"
            return self.answer(request, 401, {"code": 20003, "message": "Authenticate"})
        action = self.script(number, hit)
        if action == "hang":
            hit.outcome = "hang"
            time.sleep(self.hang_seconds)
            request.close_connection = True
            return None
        if isinstance(action, tuple):
            _kind, status, code = action
            hit.outcome = str(status)
            return self.answer(
                request, status, {"code": code, "message": "scripted", "status": status}
            )
        hit.sid = "SM" + uuid.uuid4().hex
        hit.outcome = "accepted"
        if self.callbacks and callback:
            self.status_callback(callback, hit.sid, self.callback_status)
        if self.respond_after:
            time.sleep(self.respond_after)
        body = {"sid": hit.sid, "status": "queued", "to": hit.to, "account_sid": ACCOUNT_SID}
        return self.answer(request, 201, body)

    @staticmethod
    def answer(request: http.server.BaseHTTPRequestHandler, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    @staticmethod
    def status_callback(url: str, message_sid: str, status: str) -> int:
        params = {"MessageSid": message_sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID}
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
        request = urllib.request.Request(  # noqa: S310 (a loopback http URL we built)
            url, data=urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status

    # The test side.
    def wait_for_hits(self, count: int, timeout: float) -> bool:
        with self.received:
            return self.received.wait_for(lambda: len(self.hits) >= count, timeout=timeout)

    def accepted(self) -> dict[int, int]:
        """How many times each message was accepted (sent to the handset)."""
        counts: dict[int, int] = {}
        with self.lock:
            for hit in self.hits:
                if hit.outcome == "accepted":
                    counts[hit.message_id] = counts.get(hit.message_id, 0) + 1
        return counts
