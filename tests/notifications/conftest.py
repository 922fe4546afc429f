"""Fixtures for the SMS gateway: signed webhook posts, and a Twilio HTTP boundary that the
real twilio SDK talks through."""

import json
import uuid
from urllib.parse import urlencode

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response

from notifications.webhooks import public_url, twilio_signature

ACCOUNT_SID = "AC" + "1" * 32


def sid() -> str:
    return "SM" + uuid.uuid4().hex


def signed_post(client, path: str, params: dict, *, signed_url: str | None = None, **headers):
    """POST as Twilio does: form-encoded, signed over PUBLIC_BASE_URL + path."""
    signature = twilio_signature(signed_url or public_url(path), params)
    return client.post(
        path,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
        **headers,
    )


def inbound_params(sender: str, body: str, message_sid: str | None = None) -> dict:
    message_sid = message_sid or sid()
    return {
        "MessageSid": message_sid,
        "SmsSid": message_sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "To": "+46700000000",
        "Body": body,
        "NumMedia": "0",
    }


class FakeTwilioHttp(HttpClient):
    """Twilio's REST API at the HTTP boundary: answers scripted responses in order (then
    success), raises scripted exceptions, and records every request."""

    def __init__(self) -> None:
        super().__init__(logger=None, is_async=False)
        self.script: list = []
        self.requests: list[dict] = []

    def fail(self, status: int, code: int, message: str = "error") -> None:
        body = {"code": code, "message": message, "more_info": "", "status": status}
        self.script.append(Response(status, json.dumps(body)))

    def raise_(self, exc: Exception) -> None:
        self.script.append(exc)

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, **kw):
        self.requests.append({"method": method, "url": uri, "data": dict(data or {})})
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        body = {
            "sid": sid(),
            "status": "queued",
            "to": (data or {}).get("To"),
            "body": (data or {}).get("Body"),
            "account_sid": ACCOUNT_SID,
        }
        return Response(201, json.dumps(body))


@pytest.fixture
def twilio_http(settings) -> FakeTwilioHttp:
    fake = FakeTwilioHttp()
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.TWILIO_FROM = "+46700000000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_HTTP_CLIENT = fake
    settings.PUBLIC_BASE_URL = "https://samhjalp.example.se"
    return fake
