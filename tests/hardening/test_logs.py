"""No full phone number in any process's output: an inbound SMS from a resident, its reply
sent, and requests with numbers in their query strings, through real daphne and worker
processes at DEBUG level. What a log line may show is a masked number such as +46*******05."""

import uuid
from urllib.parse import quote, urlencode

from twilio.request_validator import RequestValidator

from .fakes import AUTH_TOKEN
from .procs import http_get, http_post, wait_until

PHONE = "+46701740605"
FORMS = ["46701740605", "0701740605", "070-174 06 05", "070 174 06 05", "701740605", "1740605"]


def test_no_phone_number_reaches_the_logs(make_stack):
    stack = make_stack()
    stack.env["LOG_LEVEL"] = "DEBUG"
    stack.daphne()
    stack.worker()

    sid = "SM" + uuid.uuid4().hex
    params = {"MessageSid": sid, "From": PHONE, "To": "+46700000000", "Body": "Hjälp med mat"}
    url = stack.env["PUBLIC_BASE_URL"] + "/sms/inbound/"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, params),
    }
    assert http_post(stack.port, "/sms/inbound/", urlencode(params).encode(), headers)[0] == 200
    for query in (f"?phone={quote(PHONE)}", "?phone=070-174%2006%2005", f"?q={PHONE}"):
        assert http_get(stack.port, "/sms/simulator/thread/" + query)[0] in (200, 302)

    def replied() -> bool:
        rows = stack.query(
            "select status from notifications_message where direction='out' and phone=?",
            (PHONE,),
        )
        return bool(rows) and all(status == "sent" for (status,) in rows)

    assert wait_until(replied, timeout=20), stack.logs()
    stack.close()

    output = "\n".join(p.log.read_text(errors="replace") for p in stack.processes)
    # The logs did record these events, masked.
    assert "sms in from +46*******05" in output
    assert "[sms] to +46*******05" in output
    assert "/sms/simulator/thread/?phone=+46*******05" in output
    leaked = [form for form in FORMS if form in output or quote(form) in output]
    assert leaked == [], [line for line in output.splitlines() if any(f in line for f in leaked)]
