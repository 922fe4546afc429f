"""POST /sms/inbound/: signed, stored first, once per MessageSid, handled by a task."""

import threading
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from notifications.inbound import _handlers, inbound_handler_register
from notifications.models import Message
from tests.factories import mobile

from .conftest import inbound_params, sid, signed_post

INBOUND = "/sms/inbound/"


@pytest.fixture
def echo_handler():
    """A registered handler standing in for the other apps' ones, removed afterwards."""
    seen: list[Message] = []

    def echo(message: Message) -> str | None:
        seen.append(message)
        return f"got {message.body}"

    before = list(_handlers)
    inbound_handler_register(echo, order=1)
    yield seen
    _handlers[:] = before


@pytest.mark.django_db
class TestSignature:
    def test_valid_signature_is_stored_and_answered_with_empty_twiml(self, client):
        response = signed_post(client, INBOUND, inbound_params(mobile(), "Hej"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/xml")
        assert b"<Response" in response.content and b"<Message" not in response.content
        assert Message.objects.filter(direction="in").count() == 1

    def test_missing_signature_is_403_and_stores_nothing(self, client):
        params = inbound_params(mobile(), "Hej")
        response = client.post(
            INBOUND, urlencode(params), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 403
        assert not Message.objects.exists()

    def test_wrong_signature_is_403(self, client):
        params = inbound_params(mobile(), "Hej")
        response = client.post(
            INBOUND,
            urlencode(params),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE="bm90IGEgc2lnbmF0dXJl",
        )
        assert response.status_code == 403
        assert not Message.objects.exists()

    def test_tampered_body_is_403(self, client, settings):
        params = inbound_params(mobile(), "Hej")
        from notifications.webhooks import public_url, twilio_signature

        signature = twilio_signature(public_url(INBOUND), params)
        params["Body"] = "STOP"
        response = client.post(
            INBOUND,
            urlencode(params),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=signature,
        )
        assert response.status_code == 403

    def test_signed_for_another_url_is_403(self, client):
        params = inbound_params(mobile(), "Hej")
        other = "https://elsewhere.example.com/sms/inbound/"
        assert signed_post(client, INBOUND, params, signed_url=other).status_code == 403
        status_url = "http://127.0.0.1:8000/sms/status/1/"
        assert signed_post(client, INBOUND, params, signed_url=status_url).status_code == 403
        assert not Message.objects.exists()

    def test_proxy_headers_do_not_matter_behind_tls(self, client, settings):
        """Twilio signs https://public-host/...; the app sees http from the proxy."""
        settings.PUBLIC_BASE_URL = "https://samhjalp.example.se"
        settings.ALLOWED_HOSTS = ["*"]
        params = inbound_params(mobile(), "Hej")
        response = signed_post(
            client,
            INBOUND,
            params,
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_X_FORWARDED_HOST="samhjalp.example.se",
            HTTP_HOST="internal-web:8000",
        )
        assert response.status_code == 200
        # A signature over the address the proxy forwarded to is not Twilio's.
        internal = "http://internal-web:8000/sms/inbound/"
        assert (
            signed_post(
                client,
                INBOUND,
                inbound_params(mobile(), "x"),
                signed_url=internal,
                HTTP_X_FORWARDED_PROTO="https",
            ).status_code
            == 403
        )

    def test_get_is_refused(self, client):
        assert client.get(INBOUND).status_code == 403


@pytest.mark.django_db
def test_fifty_deliveries_of_one_message_sid_make_one_row(client, run_tasks, echo_handler):
    params = inbound_params(mobile(), "1 4821")
    answers = {signed_post(client, INBOUND, params).content for _ in range(50)}
    assert len(answers) == 1
    assert Message.objects.filter(provider_id=params["MessageSid"]).count() == 1
    run_tasks()
    assert len(echo_handler) == 1
    assert Message.objects.filter(direction="out", body="got 1 4821").count() == 1


# Threads need separate connections to one database; in-memory SQLite cannot give them that.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_sid_make_one_row(echo_handler):
    """Twilio retries while the first request is still running: threads, separate connections."""
    from django.db import connection
    from django.test import Client

    params = inbound_params(mobile(), "Hej")
    codes: list[int] = []

    def deliver() -> None:
        try:
            for _ in range(5):
                codes.append(signed_post(Client(), INBOUND, params).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [200] * 25
    assert Message.objects.filter(provider_id=params["MessageSid"]).count() == 1


@pytest.mark.django_db
def test_payload_is_stored_raw_before_handling(client, run_tasks, echo_handler):
    params = inbound_params("070-123 45 67", "  Hej  ")
    params["FromCity"] = "HUDDINGE"
    signed_post(client, INBOUND, params)
    message = Message.objects.get(direction="in")
    assert message.phone == "+46701234567"
    assert message.payload["FromCity"] == "HUDDINGE"
    assert message.claimed_at is None and echo_handler == []
    run_tasks()
    message.refresh_from_db()
    assert message.claimed_at is not None and len(echo_handler) == 1


@pytest.mark.django_db
def test_a_handler_failure_rolls_back_and_the_sweep_runs_it_again(client, run_tasks):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.sweep import sms_sweep

    calls: list[int] = []

    def flaky(message: Message) -> str | None:
        calls.append(message.pk)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return ""

    before = list(_handlers)
    inbound_handler_register(flaky, order=1)
    try:
        signed_post(client, INBOUND, inbound_params(mobile(), "Hej"))
        run_tasks(raise_failures=False)
        message = Message.objects.get(direction="in")
        assert message.claimed_at is None
        assert sms_sweep(now=timezone.now() + timedelta(minutes=10))["inbound"] == 1
        run_tasks()
        message.refresh_from_db()
        assert message.claimed_at is not None and len(calls) == 2
    finally:
        _handlers[:] = before


BODIES = st.one_of(
    st.text(max_size=1700),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1500, max_size=1700),
    st.sampled_from(["\x00", "STOP\x00", "‏توقف‏", "\u202eevil", "א" * 1600, "😀" * 800]),
)


@pytest.mark.django_db
@hsettings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sender=st.one_of(st.text(max_size=300), st.just(""), st.just("+46701234567")), body=BODIES)
def test_any_body_and_sender_never_yield_a_500(client, run_tasks, sender, body):
    params = inbound_params(sender, body)
    response = signed_post(client, INBOUND, params)
    assert response.status_code == 200
    message = Message.objects.get(provider_id=params["MessageSid"])
    assert message.body == body.replace("\x00", "")
    run_tasks()


@pytest.mark.django_db
def test_a_message_without_sid_is_still_stored(client):
    params = {"From": mobile(), "Body": "Hej"}
    assert signed_post(client, INBOUND, params).status_code == 200
    assert Message.objects.filter(direction="in", body="Hej").count() == 1


def test_sid_helper_is_twilio_shaped():
    assert len(sid()) == 34
