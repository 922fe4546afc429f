"""Twilio failing for a while (500, 429, a hung connection, nothing listening), then
recovering: each message is retried with growing backoff and sent exactly once. And Twilio's
status callbacks racing the send's own answer, repeated and out of order, never move a
message backwards. Real daphne and db_worker processes; Twilio faked over HTTP."""

import pytest

from .fakes import FakeTwilio
from .procs import http_post, port_free, wait_until

MESSAGES = 3
FAILURES_EACH = 2

SEND = """
from notifications.services import sms_send
from tests.factories import mobile
result = [sms_send(to=mobile(), body=f"Hej {i}").pk for i in range(%d)]
"""


def statuses(stack) -> dict[str, int]:
    return dict(
        stack.query(
            "select status, count(*) from notifications_message where direction='out' "
            "group by status"
        )
    )


def failing_first(answer):
    """A script that gives each message `answer` on its first FAILURES_EACH attempts."""
    seen: dict[int, int] = {}

    def script(number, hit):
        seen[hit.message_id] = seen.get(hit.message_id, 0) + 1
        return answer if seen[hit.message_id] <= FAILURES_EACH else "ok"

    return script


@pytest.mark.parametrize(
    "answer",
    [("status", 500, 20500), ("status", 429, 20429), "hang", "refused"],
    ids=["500", "429", "timeout", "refused"],
)
def test_provider_outage_is_retried_with_backoff_then_sent_once(make_stack, answer):
    port = port_free()
    stack = make_stack(twilio_url=f"http://127.0.0.1:{port}")
    fake = None
    if answer != "refused":
        fake = FakeTwilio(script=failing_first(answer), port=port, hang_seconds=2)
    try:
        ids = stack.script(SEND % MESSAGES)
        stack.worker()
        if answer == "refused":
            # Nothing listens on Twilio's port until every message has failed twice.
            def refused_twice():
                # An attempt is counted when it starts: FAILURES_EACH failures are done once a
                # row waits for its next try (queued) after them, or a later try has started.
                rows = stack.query("select attempts, error_code, status from notifications_message")
                return all(
                    code == "network"
                    and (n > FAILURES_EACH or (n == FAILURES_EACH and status == "queued"))
                    for n, code, status in rows
                )

            assert wait_until(refused_twice, timeout=20), stack.logs()
            # None given up, none sent; a retry may already be on its way out.
            assert set(statuses(stack)) <= {"queued", "sending"}, statuses(stack)
            fake = FakeTwilio(port=port)
        assert wait_until(lambda: statuses(stack) == {"sent": MESSAGES}, timeout=30), (
            statuses(stack),
            stack.logs(),
        )
        assert fake.accepted() == dict.fromkeys(ids, 1), "each message sent exactly once"
        expected_attempts = 1 if answer == "refused" else FAILURES_EACH + 1
        assert len(fake.hits) == MESSAGES * expected_attempts
        rows = stack.query("select attempts, error_code from notifications_message")
        if answer == "refused":
            # A retry on its way out as the fake starts listening may be refused once more.
            assert all(attempts >= FAILURES_EACH + 1 for attempts, _code in rows), rows
        else:
            assert {attempts for attempts, _code in rows} == {FAILURES_EACH + 1}
        if answer != "refused":
            for message_id in ids:
                at = [hit.at for hit in fake.hits if hit.message_id == message_id]
                gaps = [b - a for a, b in zip(at, at[1:], strict=False)]
                # Exponential backoff (1 s, then 2 s here, plus jitter), never a hot loop.
                assert gaps[0] >= 0.9 and gaps[1] >= 1.8, gaps
    finally:
        if fake:
            fake.close()


def test_callbacks_before_the_send_answer_repeated_and_reordered(make_stack, fake_twilio):
    """Twilio reports `delivered` while its HTTP answer to the send is still on the way; then
    the same callbacks arrive again and out of order. The message stays delivered."""
    fake_twilio.respond_after = 0.5
    fake_twilio.callbacks = True
    fake_twilio.callback_status = "delivered"
    stack = make_stack(twilio_url=fake_twilio.url)
    stack.daphne()
    (message_id,) = stack.script(SEND % 1)
    stack.worker()
    assert fake_twilio.wait_for_hits(1, timeout=20)

    def stored():
        return stack.query(
            "select status, provider_id, sent_at is not null from notifications_message"
        )

    hit = fake_twilio.hits[0]
    assert wait_until(lambda: stored() == [("delivered", hit.sid, 1)], timeout=10), (
        stored(),
        stack.logs(),
    )
    sid = hit.sid

    # The send's own answer ("queued", i.e. sent) arrives after the callback: wait until the
    # worker has stored it (its delivery task finished), then the row must still say delivered.
    def send_answered():
        rows = stack.query(
            "select status from django_tasks_database_dbtaskresult "
            "where task_path = 'notifications.services.message_deliver_task'"
        )
        return rows and all(status == "SUCCESSFUL" for (status,) in rows)

    assert wait_until(send_answered, timeout=10), stack.logs()
    assert stored() == [("delivered", sid, 1)]

    callback = f"{stack.env['PUBLIC_BASE_URL']}/sms/status/{message_id}/"
    for status in ["sent", "delivered", "queued", "failed", "sent"]:
        assert fake_twilio.status_callback(callback, sid, status) == 200
    assert stored() == [("delivered", sid, 1)]

    # A callback for a message we never had answers 200 (or Twilio retries it for days).
    unknown = f"{stack.env['PUBLIC_BASE_URL']}/sms/status/999999/"
    assert fake_twilio.status_callback(unknown, "SM" + "0" * 32, "delivered") == 200
    # And one without a valid signature is refused.
    status, _ = http_post(
        stack.port,
        f"/sms/status/{message_id}/",
        b"MessageSid=SMx&MessageStatus=failed",
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "forged"},
    )
    assert status == 403 and stored() == [("delivered", sid, 1)]
