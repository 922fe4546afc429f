"""Durable outbound: queued with its task, claimed once, retried with backoff, never sent to
an opted-out number; Twilio's answers through the real SDK, mocked only at HTTP."""

from datetime import timedelta

import pytest
import requests
from django.db import transaction
from django.utils import timezone

from notifications.models import Message, OptOut
from notifications.services import message_claim, optout_set, sms_send
from notifications.signals import opt_out_changed
from notifications.sweep import sms_sweep
from tests.factories import landline, mobile

LATER = timedelta(hours=3)


def later():
    return timezone.now() + LATER


@pytest.mark.django_db
def test_send_is_queued_with_its_task_and_sent_by_the_worker(run_tasks, sms_outbox):
    message = sms_send(to="070-174 06 05", body="Hej\u00a0Greta – välkommen", language="sv")
    assert message.status == "queued" and message.phone == "+46701740605"
    assert message.body == "Hej Greta - välkommen" and message.segments == 1
    assert run_tasks.pending().count() == 1 and sms_outbox == []
    assert run_tasks() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_id.startswith("SMlocmem")
    assert message.attempts == 1 and len(sms_outbox) == 1
    assert run_tasks() == 0


@pytest.mark.django_db
def test_rolled_back_send_leaves_neither_row_nor_task(run_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        sms_send(to=mobile(), body="Hej")
        raise RuntimeError
    assert not Message.objects.exists() and run_tasks.pending().count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("to", "code"), [("not a number", "invalid-number"), (None, "invalid-number")]
)
def test_invalid_numbers_are_refused_visibly(to, code, run_tasks, sms_outbox):
    message = sms_send(to=to, body="Hej")
    assert (message.status, message.error_code) == ("refused", code)
    assert run_tasks() == 0 and sms_outbox == []


@pytest.mark.django_db
def test_landline_is_refused(run_tasks, sms_outbox):
    assert sms_send(to=landline(), body="Hej").error_code == "landline"
    assert run_tasks() == 0 and sms_outbox == []


@pytest.mark.django_db
def test_opted_out_number_is_never_sent_to(run_tasks, sms_outbox):
    phone = mobile()
    queued_before = sms_send(to=phone, body="first")
    optout_set(phone=phone, opted_out=True, keyword="stop")
    after = sms_send(to=phone, body="second")
    assert after.status == "refused" and after.error_code == "opted-out"
    run_tasks()
    queued_before.refresh_from_db()
    assert queued_before.status == "refused" and queued_before.error_code == "opted-out"
    assert sms_outbox == []


@pytest.mark.django_db
def test_opt_out_changed_is_sent_only_on_change():
    seen = []

    def receiver(sender, phone, opted_out, **kwargs):
        seen.append((sender, phone, opted_out))

    opt_out_changed.connect(receiver)
    try:
        phone = mobile()
        optout_set(phone=phone, opted_out=True, keyword="stop")
        optout_set(phone=phone, opted_out=True, keyword="sluta")
        optout_set(phone=phone, opted_out=False, keyword="start")
    finally:
        opt_out_changed.disconnect(receiver)
    assert seen == [(OptOut, phone, True), (OptOut, phone, False)]


@pytest.mark.django_db
class TestTwilio:
    def test_request_carries_callback_sender_and_body(self, twilio_http, run_tasks):
        message = sms_send(to=mobile(), body="Hej")
        run_tasks()
        (request,) = twilio_http.requests
        assert request["method"] == "POST"
        assert request["url"].endswith("/2010-04-01/Accounts/" + "AC" + "1" * 32 + "/Messages.json")
        assert request["data"]["StatusCallback"] == (
            f"https://samhjalp.example.se/sms/status/{message.pk}/"
        )
        assert request["data"]["From"] == "+46700000000"
        assert request["data"]["To"] == message.phone and request["data"]["Body"] == "Hej"
        message.refresh_from_db()
        assert message.status == "sent" and message.provider_id.startswith("SM")

    def test_messaging_service_instead_of_a_number(self, twilio_http, run_tasks, settings):
        settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "2" * 32
        sms_send(to=mobile(), body="Hej")
        run_tasks()
        data = twilio_http.requests[0]["data"]
        assert data["MessagingServiceSid"] == "MG" + "2" * 32 and "From" not in data

    def test_21610_opts_the_number_out_and_never_retries(self, twilio_http, run_tasks):
        twilio_http.fail(400, 21610, "Attempt to send to unsubscribed recipient")
        message = sms_send(to=mobile(), body="Hej")
        run_tasks(now=later())
        message.refresh_from_db()
        assert (message.status, message.error_code) == ("failed", "21610")
        assert OptOut.objects.get(phone=message.phone).opted_out
        assert len(twilio_http.requests) == 1
        assert sms_send(to=message.phone, body="again").status == "refused"

    @pytest.mark.parametrize("code", [21211, 21614])
    def test_invalid_number_fails_at_once(self, twilio_http, run_tasks, code):
        twilio_http.fail(400, code, "invalid")
        message = sms_send(to=mobile(), body="Hej")
        run_tasks(now=later())
        message.refresh_from_db()
        assert (message.status, message.error_code) == ("failed", str(code))
        assert len(twilio_http.requests) == 1 and not OptOut.objects.exists()

    @pytest.mark.parametrize(
        "failure",
        [
            ("status", 500, 20500),
            ("status", 503, 0),
            ("status", 429, 20429),
            ("raise", requests.exceptions.ReadTimeout("read timed out")),
            ("raise", requests.exceptions.ConnectionError("connection refused")),
        ],
    )
    def test_transient_failures_retry_with_backoff(self, twilio_http, run_tasks, failure):
        if failure[0] == "status":
            twilio_http.fail(failure[1], failure[2])
        else:
            twilio_http.raise_(failure[1])
        message = sms_send(to=mobile(), body="Hej")
        run_tasks()
        message.refresh_from_db()
        assert message.status == "queued" and message.attempts == 1 and message.error_code
        assert message.next_attempt_at > timezone.now() + timedelta(seconds=25)
        assert run_tasks() == 0  # the retry waits out its delay
        run_tasks(now=later())
        message.refresh_from_db()
        assert message.status == "sent" and message.attempts == 2
        assert len(twilio_http.requests) == 2

    def test_attempts_are_capped_then_failed(self, twilio_http, run_tasks, settings):
        settings.SMS_MAX_ATTEMPTS = 4
        for _ in range(10):
            twilio_http.fail(500, 20500)
        message = sms_send(to=mobile(), body="Hej")
        delays = []
        run_tasks()
        for _ in range(6):
            message.refresh_from_db()
            if message.status != "queued":
                break
            delays.append((message.next_attempt_at - message.updated_at).total_seconds())
            assert run_tasks(now=message.next_attempt_at + timedelta(seconds=1)) == 1
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("failed", 4)
        assert len(twilio_http.requests) == 4
        assert len(delays) == 3 and delays == sorted(delays) and delays[-1] > 3 * delays[0]


@pytest.mark.django_db
def test_worker_killed_between_claim_and_send_recovers_through_the_sweep(run_tasks, sms_outbox):
    message = sms_send(to=mobile(), body="Hej")
    # A worker claims the row and dies before talking to the provider; its task is gone.
    assert message_claim(message_id=message.pk) is not None
    run_tasks.pending().delete()
    assert sms_sweep() == {"sending": 0, "queued": 0, "inbound": 0, "tasks": 0}  # within lease
    assert sms_sweep(now=timezone.now() + timedelta(minutes=10))["sending"] == 1
    run_tasks()
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and len(sms_outbox) == 1
    assert sms_sweep(now=timezone.now() + timedelta(minutes=10)) == {
        "sending": 0,
        "queued": 0,
        "inbound": 0,
        "tasks": 0,
    }


@pytest.mark.django_db
def test_queued_row_whose_task_was_lost_is_re_enqueued_once(run_tasks, sms_outbox):
    message = sms_send(to=mobile(), body="Hej")
    run_tasks.pending().delete()
    future = timezone.now() + timedelta(minutes=10)
    assert sms_sweep(now=future)["queued"] == 1
    assert sms_sweep(now=future)["queued"] == 0
    run_tasks()
    message.refresh_from_db()
    assert message.status == "sent" and len(sms_outbox) == 1


@pytest.mark.django_db
def test_a_duplicate_task_sends_nothing_twice(run_tasks, sms_outbox):
    from notifications.services import message_deliver_task

    message = sms_send(to=mobile(), body="Hej")
    message_deliver_task.enqueue(message_id=message.pk)
    assert run_tasks() == 2
    assert len(sms_outbox) == 1


def test_sms_sweep_command(db, run_tasks):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sms_sweep", "--schedule", stdout=out)
    call_command("sms_sweep", "--schedule", stdout=out)
    assert "periodic sweep scheduled" in out.getvalue()
    assert "already running" in out.getvalue()
    assert run_tasks.pending().count() == 1
