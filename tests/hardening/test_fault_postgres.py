"""PostgreSQL restarted under a running daphne and worker: both carry on without a restart
of their own. With the connection pool (DATABASE_POOL_MAX_SIZE), as recommended under daphne,
every process holds open connections the restart cuts; each must be checked and replaced."""

import uuid
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from .fakes import AUTH_TOKEN
from .procs import http_get, http_post, wait_until

pytestmark = pytest.mark.postgres


def inbound(stack, body: str) -> tuple[int, str]:
    sid = "SM" + uuid.uuid4().hex
    params = {"MessageSid": sid, "From": "+46701740605", "To": "+46700000000", "Body": body}
    url = stack.env["PUBLIC_BASE_URL"] + "/sms/inbound/"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, params),
    }
    return http_post(stack.port, "/sms/inbound/", urlencode(params).encode(), headers)[0], sid


def test_web_and_worker_recover_from_a_postgres_restart(make_stack, private_postgres):
    stack = make_stack(database_url=private_postgres.url)
    stack.env["DATABASE_POOL_MAX_SIZE"] = "4"
    stack.manage("migrate", "--noinput", "-v0", timeout=120)
    web = stack.daphne()
    worker = stack.worker()

    def handled(sid: str) -> bool:
        rows = stack.query(
            "select claimed_at is not null from notifications_message where provider_id=?",
            (sid,),
        )
        return rows == [(True,)]

    status, before = inbound(stack, "HJÄLP")
    assert status == 200 and wait_until(lambda: handled(before), timeout=15), stack.logs()
    assert http_get(stack.port, "/healthz")[0] == 200

    private_postgres.restart()

    # The first request after the restart may meet the dead connection; within a few
    # seconds, and without restarting daphne, every request succeeds again.
    assert wait_until(lambda: http_get(stack.port, "/healthz")[0] == 200, timeout=15)
    results = [http_get(stack.port, "/healthz")[0] for _ in range(5)]
    results += [inbound(stack, "HJÄLP")[0] for _ in range(3)]
    assert results == [200] * 8, stack.logs()
    assert web.alive() and worker.alive(), stack.logs()

    status, after = inbound(stack, "HJÄLP")
    assert status == 200
    assert wait_until(lambda: handled(after), timeout=20), stack.logs()
