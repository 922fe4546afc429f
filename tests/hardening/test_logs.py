"""No personal data in any process's output. The real processes (daphne and the task worker,
at DEBUG level, console SMS backend) on the demo data, through the main flows: an operator
logs in, looks a caller up and takes a request, searches the personal-data page with a number
as its form sends it (`?q=070-174+06+85`), opens the request page and a path with a number in
it, a resident texts in, a volunteer accepts the offer and gets the address. Then every line
the processes wrote is searched for the demo's phone numbers (in every way they are written),
names and addresses. A log line may show a masked number such as +46*******05, nothing more."""

import http.cookiejar
import logging
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from twilio.request_validator import RequestValidator

from config.logging import MaskPersonalData, personal_data_mask, request_line_mask

from .fakes import AUTH_TOKEN
from .procs import wait_until

PASSWORD = "samhjalp-demo"
CALLER = "+46701740685"  # a demo resident with a mobile


def phone_forms(e164: str) -> list[str]:
    """The ways a Swedish number is written by people, forms and URLs."""
    national = "0" + e164.removeprefix("+46")
    grouped = f"{national[:3]}-{national[3:6]} {national[6:8]} {national[8:]}"
    return [
        e164,
        e164.removeprefix("+"),
        national,
        grouped,
        grouped.replace(" ", "+"),
        grouped.replace(" ", "%20"),
        urllib.parse.quote(e164),
        "+46 " + grouped[1:].replace("-", " "),
        national[1:],  # 701740685: what is left of a number whose prefix was cut
    ]


class Browser:
    """An operator's browser, as far as the server can tell: cookies, CSRF, forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, request) -> tuple[int, str, str]:
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.url
        finally:
            # Production settings mark cookies Secure, for the TLS proxy in front; here the
            # browser talks plain HTTP to daphne on loopback, so it sends them all the same.
            for cookie in self.jar:
                cookie.secure = False
        return response.status, response.read().decode(errors="replace"), response.url

    def get(self, path: str) -> tuple[int, str, str]:
        return self.open(self.base + path)

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self.open(request)


def sms_in(stack, sender: str, body: str) -> None:
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "From": sender, "To": "+46700000000"}
    params["Body"] = body
    url = stack.env["PUBLIC_BASE_URL"] + "/sms/inbound/"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url, data=urllib.parse.urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
    )
    assert urllib.request.urlopen(request, timeout=10).status == 200  # noqa: S310


def test_no_personal_data_reaches_the_logs(make_stack):
    stack = make_stack()
    stack.env["LOG_LEVEL"] = "DEBUG"
    stack.manage("seed_demo")
    people = stack.query("select name, address, phone from helpdesk_resident")
    people += stack.query(
        "select first_name || ' ' || last_name, '', phone from matching_volunteer"
    )
    district = stack.query("select id from helpdesk_district order by id limit 1")[0][0]
    stack.daphne()
    stack.worker()
    browser = Browser(stack.env["PUBLIC_BASE_URL"])

    # Login.
    browser.get("/login/")
    status, _body, url = browser.post("/login/", {"username": "operator", "password": PASSWORD})
    assert status == 200 and not url.endswith("/login/"), (url, _body[:2000])
    # Intake: the lookup as the number is typed, then the request.
    grouped = phone_forms(CALLER)[3]
    assert browser.get("/intake/lookup/?phone=" + grouped.replace(" ", "+"))[0] == 200
    status, page, _url = browser.get("/intake/")
    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    status, page, url = browser.post(
        "/intake/",
        {
            "token": token,
            "phone": grouped,
            "name": "Signe Loggström",
            "address": "Loggvägen 17",
            "district": district,
            "language": "sv",
            "kind": "groceries",
            "urgency": "1",
            "task_text": "Mjölk och bröd",
            "consent": "on",
            "send_summary": "on",
        },
    )
    assert status == 200 and "/requests/" in url, page[:2000]
    request_id = int(re.search(r"/requests/(\d+)/", url)[1])
    people.append(("Signe Loggström", "Loggvägen 17", CALLER))
    # Personal data search as its form sends it, the request page, a number in a path.
    assert browser.get("/privacy/?q=" + grouped.replace(" ", "+"))[0] == 200
    assert browser.get("/privacy/?q=Signe+Loggstr%C3%B6m")[0] == 200
    assert browser.get(f"/requests/{request_id}/")[0] == 200
    assert browser.get("/requests/" + grouped.replace("-", "").replace(" ", "") + "/")[0] == 404
    # A resident texts in.
    sms_in(stack, people[0][2], "Hej, jag behöver hjälp att handla")

    # The worker offers the request; a volunteer accepts and is sent the address.
    def pending_offer():
        rows = stack.query(
            "select o.code, v.phone from matching_offer o join matching_volunteer v"
            " on v.id = o.volunteer_id where o.request_id = ? and o.status = 'pending'",
            (request_id,),
        )
        return rows[0] if rows else None

    offer = wait_until(pending_offer, timeout=30)
    assert offer, stack.logs()
    code, volunteer_phone = offer
    sms_in(stack, volunteer_phone, f"1 {code}")

    def accepted_and_told() -> bool:
        status = stack.query("select status from helpdesk_helprequest where id = ?", (request_id,))
        queued = stack.query(
            "select count(*) from notifications_message where direction = 'out'"
            " and status in ('queued', 'sending')"
        )
        return status == [("assigned",)] and queued == [(0,)]

    assert wait_until(accepted_and_told, timeout=30), stack.logs()
    stack.close()

    output = "\n".join(p.log.read_text(errors="replace") for p in stack.processes)
    # The logs did record the flows, masked: the access log, the SMS in, the SMS out.
    assert '"GET /privacy/?q=07******85' in output
    assert '"GET /privacy/?q=*' in output
    assert "/requests/07******85/" in output
    assert "sms in from +46*******" in output
    assert "[sms] to +46*******" in output and "characters, not shown" in output
    needles = set()
    for name, address, phone in people:
        needles |= {name, address, *phone_forms(phone)} - {""}
    leaked = sorted(n for n in needles if n in output)
    lines = [line for line in output.splitlines() if any(n in line for n in leaked)]
    assert leaked == [], lines[:20]


@pytest.mark.parametrize("phone", ["+46701740685", "+46846500412"])
def test_every_written_form_of_a_number_is_masked(phone):
    for form in phone_forms(phone):
        for text in (f"sms to {form} sent", f"GET /requests/{form}/", f"GET /x/?q={form}&days=30"):
            masked = request_line_mask(text) if text.startswith("GET") else text
            masked = personal_data_mask(masked)
            assert phone[-7:-2] not in masked and "*" in masked, (text, masked)


def test_dates_times_ids_and_durations_are_left_alone():
    text = '2026-11-23 14:00:05,123 "GET /requests/4821/?days=30" 200 18231 took 12.5 ms'
    assert personal_data_mask(text) == text
    assert request_line_mask("GET /reports/needs/?days=90&page=2") == (
        "GET /reports/needs/?days=90&page=2"
    )


def test_free_text_in_a_query_string_is_hidden_in_the_access_log():
    line = request_line_mask("GET /privacy/?q=Signe+Loggstr%C3%B6m&page=2")
    assert line == "GET /privacy/?q=*&page=2"


def test_every_handler_of_every_logger_masks(settings):
    """Django's default handlers (console, mail_admins, django.server) are replaced, so no
    logger writes past the mask."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    handlers = {handler for logger in loggers for handler in logger.handlers}
    assert handlers
    for handler in handlers:
        if type(handler).__module__.startswith("_pytest") or isinstance(
            handler, logging.NullHandler
        ):
            continue  # pytest's own capture; a handler that writes nothing
        assert any(isinstance(f, MaskPersonalData) for f in handler.filters), handler


NATIONAL = "0701740685"
ARABIC = "٠٧٠١٧٤٠٦٨٥"
# Every way the one number reaches a log: typed by people with every separator, written by
# forms and browsers, in every digit script, percent-encoded.
SPELLINGS = [
    "0701740685",
    "070-174 06 85",
    "070 174 06 85",
    "070-1740685",
    "070.174.06.85",
    "(070) 174-06-85",
    "(070)1740685",
    "070/174 06 85",
    "070/1740685",
    "070–174 06 85",  # en dash
    "070—174 06 85",  # em dash
    "070‐174‐06‐85",  # hyphen
    "070−174 06 85",  # minus sign
    "070 - 174 06 85",
    "070\u00a0174\u00a006\u00a085",  # no-break spaces
    "+46701740685",
    "+46 70 174 06 85",
    "+46 (0)70-174 06 85",
    "+46(0)701740685",
    "+46-70-174-06-85",
    "+46.70.174.06.85",
    "0046701740685",
    "0046 70 174 06 85",
    "46701740685",
    "46 70 174 06 85",
    "701740685",  # the prefix cut off
    ARABIC,
    "۰۷۰۱۷۴۰۶۸۵",  # Persian
    "०७०१७४०६८५",  # Devanagari
    "+٤٦٧٠١٧٤٠٦٨٥",
    "٠٧٠-١٧٤ ٠٦ ٨٥",
    "０７０１７４０６８５",  # full-width
    "０７０－１７４　０６　８５",
    "＋４６７０１７４０６８５",
    "070-174+06+85",  # a form's spaces
    "070%20174%2006%2085",
    "%2B46701740685",
    "%2B46%20(0)70-174%2006%2085",
    urllib.parse.quote("(070) 174-06-85"),
    urllib.parse.quote("070–174 06 85"),
    urllib.parse.quote(ARABIC),
    urllib.parse.quote("０７０１７４０６８５"),
]


def survives(number: str, text: str) -> str | None:
    """A run of five of the number's digits that `text` still shows, read as a person would:
    escapes decoded, any script's digits, separators between digits ignored."""
    text = urllib.parse.unquote(text)
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    text = unicodedata.normalize("NFKC", text)
    digits = re.sub(r"(?<=\d)[^\w*\n]{1,4}(?=\d)", "", text)
    national = "0" + number.removeprefix("+46") if number.startswith("+") else number
    windows = [national[i : i + 5] for i in range(len(national) - 4)]
    return next((w for w in windows if w in digits), None)


def as_sent(spelling: str) -> str:
    """The spelling as a browser puts it into a URL."""
    return urllib.parse.quote(spelling, safe="()+./%-")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_number_in_any_spelling_is_masked_in_text_paths_and_queries(spelling):
    assert len(SPELLINGS) >= 30
    record = logging.makeLogRecord({"msg": "sms to %s sent", "args": (spelling,)})
    MaskPersonalData().filter(record)
    lines = [record.getMessage()]
    for form in (spelling, as_sent(spelling)):
        for status in (200, 404):
            lines.append(request_line_mask(f"GET /requests/{form}/", status))
            lines.append(request_line_mask(f"GET /intake/lookup/?phone={form}&days=30", status))
    for line in lines:
        assert survives(NATIONAL, line) is None, (spelling, line)
        assert "*" in line, (spelling, line)


# What people write between two numbers: "+46701740685 (070-174 06 85)", "mobil, hem".
JOINERS = [" (", "(", ", ", ",", " / ", "/", " ", " - ", "; ", " eller "]


@pytest.mark.parametrize("joiner", JOINERS)
def test_two_numbers_written_together_are_both_masked(joiner):
    """Every pair of spellings, run together as people write them: neither survives, as
    neither would alone (the mask must not read the two as one long id and keep both)."""
    for first in SPELLINGS:
        for second in SPELLINGS:
            text = f"ring {first}{joiner}{second}) i kväll"
            masked = personal_data_mask(text)
            assert survives(NATIONAL, masked) is None, (text, masked)


READABLE = [
    "2026-11-23 14:00:05,123 request 4821 took 12.5 ms",
    '127.0.0.1:54321 - - [23/Nov/2026:14:00:05] "GET /requests/4821/?days=30" 200 18231',
    "10.20.30.40 and 192.168.100.200 and ::1",
    "on 23.11.2026 at 14.30, on 01.02.2026 and 01/02/2026 and 2026/11/23 14:00",
    "status 404, 302 bytes 1048576, offer 4821 code 1234, wave 3",
    "took 1234.567 s; version 5.2.11; id 12345678; uuid 3f2c9a1e-1b2d-4c3e-9f00-123456789abc",
]


@pytest.mark.parametrize("text", READABLE)
def test_dates_times_ids_durations_and_addresses_stay_readable(text):
    assert personal_data_mask(text) == text
    record = logging.makeLogRecord({"msg": text})
    MaskPersonalData().filter(record)
    assert record.getMessage() == text


@pytest.mark.parametrize(
    "line, status, logged",
    [
        ("GET /nope/Anna%20Andersson/L%C3%A4nnav%C3%A4gen", 404, "GET /*/*/*"),
        ("GET /requests/Anna%20Andersson/", 404, "GET /requests/*/"),
        ("GET /requests/123/", 404, "GET /requests/123/"),
        ("GET /partners/5/tasks/", 404, "GET /partners/5/tasks/"),
        ("GET /requests/(070)%20174-06-85/", 404, "GET /requests/(07******85/"),
        ("GET /requests/123/?q=Anna&page=2", 200, "GET /requests/123/?q=*&page=2"),
        ("GET /privacy/?L%C3%A4nnav%C3%A4gen+7", 200, "GET /privacy/?*"),
        ("GET /reports/needs/?days=90&page=2", 200, "GET /reports/needs/?days=90&page=2"),
    ],
)
def test_a_path_not_found_and_a_query_show_no_free_text(line, status, logged):
    assert request_line_mask(line, status) == logged


@pytest.mark.django_db
def test_django_not_found_warning_shows_no_number_or_name(operator_client):
    handler = logging.Handler()
    handler.addFilter(MaskPersonalData())
    records: list[logging.LogRecord] = []
    handler.emit = records.append
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        for path in ("/requests/(070) 174-06-85/", "/nope/Anna Andersson/Lännavägen"):
            assert operator_client.get(path).status_code == 404
    finally:
        logger.removeHandler(handler)
    messages = [handler.filter(r) and r.getMessage() for r in records]
    assert messages == ["Not Found: /requests/(07******85/", "Not Found: /*/*/*"], messages


def test_daphne_access_lines_mask_every_spelling(make_stack):
    stack = make_stack()
    stack.manage("seed_demo")
    stack.daphne()
    browser = Browser(stack.env["PUBLIC_BASE_URL"])
    browser.get("/login/")
    status, body, url = browser.post("/login/", {"username": "operator", "password": PASSWORD})
    assert status == 200 and not url.endswith("/login/"), (url, body[:2000])
    for spelling in SPELLINGS:
        assert browser.get("/intake/lookup/?phone=" + as_sent(spelling))[0] == 200, spelling
        # 070/1740685 reads as /requests/<pk>/<action>/, which takes only POST.
        assert browser.get("/requests/" + as_sent(spelling) + "/")[0] in (404, 405), spelling
    assert browser.get("/nope/Anna%20Andersson/L%C3%A4nnav%C3%A4gen")[0] == 404
    stack.close()

    output = stack.processes[0].log.read_text(errors="replace")
    lines = [x for x in output.splitlines() if "/intake/lookup/" in x or "/requests/" in x]
    lines += [x for x in output.splitlines() if "Not Found" in x or "/nope" in x]
    assert len([x for x in lines if '"GET /intake/lookup/?phone=' in x]) == len(SPELLINGS)
    leaked = [x for x in lines if survives(NATIONAL, x) or "Anna" in x or "nnav" in x]
    assert leaked == [], leaked[:10]
    access = re.compile(r'^127\.0\.0\.1:\d{4,5} - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\] "GET ')
    lookups = [x for x in lines if '"GET /intake/lookup/' in x]
    assert all(access.match(x) and re.search(r'" 200 \d+$', x) for x in lookups), lookups[:3]
    assert '"GET /*/*/*" 404' in output
