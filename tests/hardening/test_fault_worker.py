"""A worker killed with SIGKILL in the middle of a batch, then restarted: every queued SMS
ends sent, none is lost, none is sent twice, and an offer's expiry (a delayed task enqueued
before the crash) still fires. Real daphne and db_worker processes, Twilio faked over HTTP."""

import time

from .procs import wait_until

MESSAGES = 20
KILL_AFTER = 8

SETUP = """
from datetime import timedelta
from django.utils import timezone
from matching.models import Offer
from helpdesk.offers import offers_expire_task
from notifications.services import sms_send
from notifications.sweep import sweep_schedule_ensure
from notifications.sweep import sweep_schedule_ensure
from tests.factories import helprequest_make, mobile, volunteer_make

ids = [sms_send(to=mobile(), body=f"Erbjudande {i}").pk for i in range(%(messages)d)]
request = helprequest_make()
expires_at = timezone.now() + timedelta(seconds=%(expiry)d)
offer = Offer.objects.create(
    request=request, volunteer=volunteer_make(), wave=1, code=request.code, expires_at=expires_at
)
offers_expire_task.using(run_after=expires_at).enqueue(request_id=request.pk, wave=1)
sweep_schedule_ensure()
sweep_schedule_ensure()
result = {"ids": ids, "offer": offer.pk}
"""


def test_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(make_stack, fake_twilio):
    # A slow provider, so the kill lands while a send is in flight; Twilio's "sent" callback
    # reaches us before its HTTP answer, as it can in production.
    fake_twilio.respond_after = 0.3
    fake_twilio.callbacks = True
    stack = make_stack(twilio_url=fake_twilio.url)
    stack.daphne()
    started = time.monotonic()
    created = stack.script(SETUP % {"messages": MESSAGES, "expiry": 7})

    first = stack.worker("worker-1")
    assert fake_twilio.wait_for_hits(KILL_AFTER, timeout=30), stack.logs()
    first.kill()
    in_flight = fake_twilio.hits[-1].message_id

    # Killed mid-batch: some sent, the rest still queued, and the expiry not yet due.
    sent_before = stack.query("select count(*) from notifications_message where status='sent'")
    assert 0 < sent_before[0][0] < MESSAGES
    offer_status = "select status from matching_offer where id=?"
    assert stack.query(offer_status, (created["offer"],)) == [("pending",)]

    stack.worker("worker-2")

    def all_done():
        rows = stack.query(
            "select status, count(*) from notifications_message where direction='out' "
            "group by status"
        )
        expired = stack.query(offer_status, (created["offer"],)) == [("expired",)]
        return expired and dict(rows) == {"sent": MESSAGES}

    assert wait_until(all_done, timeout=40), (
        dict(stack.query("select status, count(*) from notifications_message group by status")),
        stack.logs(),
    )
    assert time.monotonic() - started < 60

    accepted = fake_twilio.accepted()
    assert sorted(accepted) == sorted(created["ids"]), "every message reached Twilio"
    assert set(accepted.values()) == {1}, f"sent twice: {accepted}"
    # The message in flight at the kill kept the id Twilio gave it.
    sid = [hit.sid for hit in fake_twilio.hits if hit.message_id == in_flight][0]
    assert stack.query(
        "select provider_id from notifications_message where id=?", (in_flight,)
    ) == [(sid,)]
