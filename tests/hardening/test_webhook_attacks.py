"""Forged, replayed, re-targeted and oversized webhooks on every signed URL: refused, and
nothing stored. The signed URLs are found by walking the URL conf (a view exempt from CSRF
must be a signed webhook), so a webhook added later is covered too."""

from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from helpdesk.models import HelpRequest
from notifications.models import Message
from notifications.webhooks import public_url, twilio_signature
from tests.factories import mobile

from .urlwalk import routes

pytestmark = pytest.mark.django_db


def signed_routes():
    return [route for route in routes() if route.is_signed_webhook]


def test_every_csrf_exempt_view_is_one_of_the_signed_webhooks():
    found = {route.route for route in signed_routes()}
    assert {"sms/inbound/", "sms/status/<int:message_id>/"} <= found
    assert all(route.startswith(("sms/", "voice/")) for route in found), found


def params_for(path: str) -> dict:
    if path.startswith("/sms/status/"):
        return {"MessageSid": "SM" + "a" * 32, "MessageStatus": "failed", "ErrorCode": "30003"}
    return {
        "MessageSid": "SM" + "b" * 32,
        "CallSid": "CA" + "b" * 32,
        "From": mobile(),
        "To": "+46700000000",
        "Body": "Hjälp med mat",
        "Digits": "1",
    }


def post(client, path: str, params: dict, signature: str | None):
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature is not None else {}
    return client.post(
        path, urlencode(params), content_type="application/x-www-form-urlencoded", **headers
    )


def state() -> tuple:
    return (
        list(Message.objects.values_list("pk", "status", "provider_id").order_by("pk")),
        HelpRequest.objects.count(),
    )


@pytest.fixture
def webhook_paths():
    from notifications.services import sms_send

    sent = sms_send(to=mobile(), body="Hej")
    paths = []
    for route in signed_routes():
        path = route.fill({name: sent.pk for _conv, name in route.params})
        paths.append(path + ("?lang=sv" if path.startswith("/voice/need/") else ""))
    return paths


def attacks(path: str) -> dict[str, tuple[dict, str | None]]:
    params = params_for(path)
    url = public_url(path)
    other = "/sms/inbound/" if not path.startswith("/sms/inbound/") else "/voice/inbound/"
    field = "From" if "From" in params else "MessageStatus"
    tampered = {**params, field: "+46709999999"}
    attack = {
        "unsigned": (params, None),
        "empty": (params, ""),
        "forged": (params, "bm90IGEgc2lnbmF0dXJlIGF0IGFsbA=="),
        "replayed with another body": (tampered, twilio_signature(url, params)),
        "signed for another webhook": (params, twilio_signature(public_url(other), params)),
        "signed for another host": (
            params,
            twilio_signature("https://evil.example" + path, params),
        ),
        "signed with another token": (
            params,
            RequestValidator("not-our-token").compute_signature(url, params),
        ),
    }
    if "?" in path:
        base = path.partition("?")[0]
        attack["query string changed"] = (
            params,
            twilio_signature(public_url(base + "?lang=ar"), params),
        )
    return attack


def test_forged_replayed_and_retargeted_signatures_are_refused(client, webhook_paths):
    assert len(webhook_paths) >= 2
    before = state()
    for path in webhook_paths:
        for name, (params, signature) in attacks(path).items():
            response = post(client, path, params, signature)
            assert response.status_code == 403, f"{path}: {name} -> {response.status_code}"
    assert state() == before


def test_the_same_requests_signed_properly_are_accepted(client, webhook_paths):
    for path in webhook_paths:
        params = params_for(path)
        response = post(client, path, params, twilio_signature(public_url(path), params))
        assert response.status_code == 200, path


def test_oversized_webhook_bodies_are_refused_before_parsing(client, webhook_paths, settings):
    before = state()
    for path in webhook_paths:
        params = {**params_for(path), "Body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
        # Even correctly signed: the size limit comes first.
        response = post(client, path, params, twilio_signature(public_url(path), params))
        assert response.status_code in (400, 413), f"{path}: {response.status_code}"
        many = {f"k{i}": "v" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
        response = post(client, path, many, twilio_signature(public_url(path), many))
        assert response.status_code in (400, 413), f"{path}: {response.status_code}"
    assert state() == before
