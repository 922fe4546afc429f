"""The operator's day in a real browser (Debian's Chromium) against the real processes, at the
laptop size the support line uses (1366 x 768): the request page read at a glance, intake by
keyboard in a few keystrokes, callbacks that keep their place, a needs page that fits, a phone
simulator that has every phone, and axe-core's WCAG 2.1 A/AA rules over every page."""

import json
import re
from pathlib import Path

import pytest

from .test_browser_helpdesk import browser  # noqa: F401 (the fixture is used by name)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTH, HEIGHT = 1366, 768

OFFERED_REQUEST = """
from helpdesk.models import HelpRequest
r = HelpRequest.objects.filter(status="offered", offers__status="pending").first()
print(r.pk)
"""

# A known resident whose consent is current, with no open request or referral: the plain call.
KNOWN_RESIDENT = """
from helpdesk.intake import resident_lookup
from helpdesk.models import Resident
for resident in Resident.objects.exclude(phone="").exclude(phone=None).order_by("pk"):
    found = resident_lookup(str(resident.phone))
    if (found.get("mobile") and found["resident"] and found["resident"]["consent_current"]
            and not found["open_referral"] and not found["open_requests"]):
        print(resident.phone, resident.pk)
        break
"""

LATEST_REQUEST = """
from django.utils import timezone
from helpdesk.models import HelpRequest
r = HelpRequest.objects.filter(resident_id={resident}).latest("pk")
start = timezone.localtime(r.window_start) if r.window_start else None
print(r.kind, start.date() == timezone.localdate() if start else None, repr(r.task_text))
"""

CALLBACKS = """
from django.utils import timezone
from helpdesk.models import Callback, Resident
from helpdesk.services import helprequest_create
ids = []
for i in range(12):
    resident, _ = Resident.objects.get_or_create(
        phone=f"+4670175{i:04d}", defaults={"name": f"Återring {i}"})
    request = helprequest_create(resident=resident, kind="callback")
    ids.append(Callback.objects.create(request=request, due_at=timezone.now()).pk)
print(ids[-1])
"""

# A phone that the simulator's first page does not list.
LAST_VOLUNTEER = """
from matching.models import Volunteer
v = Volunteer.objects.order_by("first_name", "last_name", "pk").last()
print(v.phone, v.pk)
"""


def operator_page(browser, stack, username="operator", **options):  # noqa: F811
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, locale="sv-SE", **options
    )
    page = context.new_page()
    page.goto(stack.base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "samhjalp-demo")
    page.click("button[type=submit]")
    page.wait_for_url(stack.base + "/")
    return page


def last_line(stack, code: str) -> list[str]:
    return stack.shell(code).strip().splitlines()[-1].split()


def above_the_fold(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, f"{selector} is below the fold"
    return box


def test_the_request_page_at_a_glance(browser, stack):  # noqa: F811
    (pk,) = last_line(stack, OFFERED_REQUEST)
    page = operator_page(browser, stack)
    page.goto(f"{stack.base}/requests/{pk}/")
    # Who, what and where, the status and the one next action: all on the first screen.
    for selector in (
        "#who-name",
        "#who-phone",
        "#who-language",
        "#who-flags",
        "#what-task",
        "#what-district",
        "#request-status",
        "#next-action button.primary",
    ):
        above_the_fold(page, selector)
    assert page.locator("#who-language").inner_text().strip()
    # The offers out, beside the ranked candidates, and the first candidates themselves.
    offers = above_the_fold(page, "#offers")
    candidates = page.locator("#candidates-box").bounding_box()  # it runs on below the fold
    assert offers["x"] > candidates["x"] + candidates["width"] - 1
    assert offers["y"] < candidates["y"] + 40
    assert page.locator("#offers .offer").count() >= 1
    rows = page.locator("#candidates tbody tr")
    assert rows.count() >= 5
    for i in range(5):
        row = rows.nth(i).bounding_box()
        assert row["y"] + row["height"] <= HEIGHT
        assert row["height"] < 40  # the reasons in one line
    # Same names told apart: each row has its organisation and a short id.
    for i in range(rows.count()):
        text = rows.nth(i).inner_text()
        assert re.search(r"V\d+", text)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_a_known_residents_request_in_a_few_keystrokes(browser, stack):  # noqa: F811
    phone, resident = last_line(stack, KNOWN_RESIDENT)
    page = operator_page(browser, stack)
    page.goto(stack.base + "/intake/")
    # Every key the operator presses after the number is counted in the page itself.
    page.evaluate(
        "window.keys = 0; document.addEventListener('keydown', function (e) {"
        " if (e.target.id !== 'id_phone') window.keys += 1; }, true)"
    )
    page.keyboard.type(phone)  # the phone field has the focus; digits aside
    page.locator("#lookup-result p").wait_for()
    page.wait_for_function("!document.getElementById('resident-fields').open")

    def press_until(key: str, condition: str, limit: int = 12) -> None:
        for _ in range(limit):
            page.keyboard.press(key)
            if page.evaluate(condition):
                return
        raise AssertionError(f"{key} never reached {condition}")

    press_until("Tab", "document.activeElement.id === 'id_kind'")
    page.keyboard.press("ArrowDown")  # the first kind of help
    kind = page.locator("#id_kind").input_value()
    assert kind
    assert page.locator("#id_task_text").input_value()  # the kind's phrase, to change if need be
    press_until("Tab", "document.activeElement.name === 'when'")
    page.keyboard.press("ArrowRight")  # today
    assert page.locator("#id_window_start").is_hidden()
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "/requests/" in page.url
    saved_kind, today = last_line(stack, LATEST_REQUEST.format(resident=resident))[:2]
    assert (saved_kind, today) == (kind, "True")


def test_the_intake_keystroke_count(browser, stack):  # noqa: F811
    """The same call as above, the count read before saving: at most 12 keys."""
    phone, _resident = last_line(stack, KNOWN_RESIDENT)
    page = operator_page(browser, stack)
    page.goto(stack.base + "/intake/")
    page.evaluate(
        "window.keys = 0; document.addEventListener('keydown', function (e) {"
        " if (e.target.id !== 'id_phone') window.keys += 1; }, true)"
    )
    page.keyboard.type(phone)
    page.locator("#lookup-result p").wait_for()
    page.wait_for_function("!document.getElementById('resident-fields').open")
    while page.evaluate("document.activeElement.id") != "id_kind":
        page.keyboard.press("Tab")
        assert page.evaluate("window.keys") < 12
    page.keyboard.press("ArrowDown")
    while page.evaluate("document.activeElement.name") != "when":
        page.keyboard.press("Tab")
        assert page.evaluate("window.keys") < 12
    page.keyboard.press("ArrowRight")
    keys = page.evaluate("window.keys") + 1  # and Ctrl+Enter to save
    assert keys <= 12, f"{keys} keystrokes"
    # Enter in the phone field still never saves (tests/e2e/test_browser_safety.py holds it).


def test_the_callbacks_page_stays_at_the_card(browser, stack):  # noqa: F811
    (callback,) = last_line(stack, CALLBACKS)
    page = operator_page(browser, stack)
    page.goto(stack.base + "/callbacks/")
    card = page.locator(f"#callback-{callback}")
    card.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    card.locator("form[action$='/claim/'] button").click()
    page.wait_for_url(f"**/callbacks/#callback-{callback}")
    page.wait_for_function("window.scrollY > 0")
    box = page.locator(f"#callback-{callback}").bounding_box()
    assert 0 <= box["y"] < HEIGHT
    assert page.locator(f"#outcome-{callback}").is_visible()  # claimed: its forms are here


def test_the_needs_page_fits_and_its_charts_read_as_its_tables(browser, stack):  # noqa: F811
    page = operator_page(browser, stack)
    page.goto(stack.base + "/reports/needs/")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    boxes = page.locator(".table-scroll")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        box = boxes.nth(i)
        assert box.bounding_box()["x"] + box.bounding_box()["width"] <= WIDTH
        if box.evaluate("b => b.scrollWidth > b.clientWidth"):
            first = box.locator("tbody tr th").first
            x = first.bounding_box()["x"]
            box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
            assert abs(first.bounding_box()["x"] - x) < 1  # the first column stays
    labels = page.locator("svg.chart text").evaluate_all("t => t.map(x => x.textContent)")
    assert labels and not any(re.fullmatch(r"\d+\.\d+", t) for t in labels)


def test_the_simulator_opens_a_phone_not_on_its_first_page(browser, stack):  # noqa: F811
    phone, _ = last_line(stack, LAST_VOLUNTEER)
    page = operator_page(browser, stack)
    page.goto(stack.base + "/sms/simulator/")
    listed = page.locator("#sim-phones a").evaluate_all("a => a.map(x => x.href)")
    assert not any(phone.lstrip("+") in href for href in listed)
    assert page.locator("#sim-next").count() == 1  # more pages
    # By number as the caller says it: 0 and the digits.
    page.fill("#sim-q", "0" + phone.removeprefix("+46"))
    page.click("#sim-search button")
    page.locator(f"#sim-phones a[href*='{phone.lstrip('+')}']").click()
    page.locator("#sim-form").wait_for()
    assert page.locator("#sim-form input[name=phone]").input_value() == phone
    # A number nobody has: opened, and it texts in.
    page.fill("#sim-phone", "070-179 99 01")
    page.click("#sim-open button")
    assert page.locator("#sim-form input[name=phone]").input_value() == "+46701799901"
    page.fill("#sim-body", "Hej, jag behöver hjälp")
    page.click("#sim-form button[type=submit]")
    page.locator("#sim-thread").get_by_text("Hej, jag behöver hjälp").first.wait_for()


# Every page an operator or a coordinator opens; the analyst's pages (two-step sign-in) are
# the same templates as the operator's reports.
PAGES_OPERATOR = [
    "/",
    "/intake/",
    "/callbacks/",
    "/requests/{request}/",
    "/requests/{request}/resident/",
    "/sms/simulator/",
    "/sms/simulator/?phone={phone}",
    "/reports/needs/",
    "/privacy/",
    "/partners/",
]
PAGES_COORDINATOR = [
    "/",
    "/partners/",
    "/partners/{organisation}/",
    "/partners/{organisation}/volunteers/add/",
    "/partners/{organisation}/import/",
    "/partners/{organisation}/tasks/",
    "/partners/{organisation}/capacity/",
]

PAGE_VALUES = """
from matching.models import Organisation
from helpdesk.models import HelpRequest
r = HelpRequest.objects.filter(status="offered").first()
o = Organisation.objects.filter(coordinators__username="coordinator").first()
print(r.pk, r.resident.phone, o.pk)
"""


def axe_run(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_passes_axe(browser, stack):  # noqa: F811
    if not AXE.exists():
        from tests.conftest import service_missing

        service_missing("browser", "needs axe-core: npm install --prefix .ci/axe axe-core")
    request, phone, organisation = last_line(stack, PAGE_VALUES)
    values = {"request": request, "phone": phone, "organisation": organisation}
    found = {}
    for username, pages in (("operator", PAGES_OPERATOR), ("coordinator", PAGES_COORDINATOR)):
        # axe is injected by the test, past the page's CSP (which holds scripts to the nonce).
        page = operator_page(browser, stack, username, bypass_csp=True)
        for path in pages:
            url = path.format(**values)
            response = page.goto(stack.base + url)
            assert response.status == 200, url
            problems = axe_run(page)
            if problems:
                found[f"{username} {url}"] = problems
        page.context.close()
    login = browser.new_context(bypass_csp=True).new_page()
    login.goto(stack.base + "/login/")
    if problems := axe_run(login):
        found["/login/"] = problems
    login.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
