"""Two operators and a coordinator in real browsers (Debian's Chromium) against the real
processes (daphne and the worker): A takes a request by phone, B's open board shows it without
a reload, the worker offers it, a volunteer accepts in the phone simulator, and every open page
follows; the coordinator sees only their organisation."""

import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.getenv("SCREENSHOT_DIR", "/tmp/samhjalp-screenshots"))

# The volunteer with a pending offer for the request, and a coordinator login for their
# organisation (created when the demo data has none).
OFFERED_VOLUNTEER = """
from django.contrib.auth.models import Group, User
from matching.models import Offer
offer = Offer.objects.filter(request__code="{code}", status="pending").select_related(
    "volunteer__organisation").first()
organisation = offer.volunteer.organisation
user = organisation.coordinators.first()
if user is None:
    user = User.objects.create_user("coord-e2e", password="samhjalp-demo")
    user.groups.add(Group.objects.get(name="coordinator"))
    organisation.coordinators.add(user)
print(offer.volunteer.phone, user.username, organisation.pk)
"""

OTHER_ORGANISATION = """
from helpdesk.models import HelpRequest
from django.db.models import Q
mine = {organisation}
request = HelpRequest.objects.filter(status__in=["offered", "assigned", "matching"]).exclude(
    Q(offers__volunteer__organisation=mine) | Q(assigned_volunteer__organisation=mine)
).first()
print(request.code, request.pk)
"""


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        from tests.conftest import service_missing

        service_missing("browser", "needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def login(browser, stack, username, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(stack.base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "samhjalp-demo")
    page.click("button[type=submit]")
    page.wait_for_url(stack.base + "/")
    return page


def card(page, code):
    return page.locator(f".board-column .card-item:has-text('#{code}')")


def test_two_operators_a_volunteer_and_a_coordinator(browser, stack):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    board_b = login(browser, stack, "operator2")
    board_b.wait_for_selector("#board-state.live")

    # Operator A takes the call: the number typed as the caller says it.
    intake = login(browser, stack, "operator")
    intake.goto(stack.base + "/intake/")
    intake.keyboard.type("070-174 06 77")  # the phone field has the focus
    intake.wait_for_selector("#lookup-result p")
    intake.fill("#id_name", "Astrid Lind")
    intake.select_option("#id_district", label="Flemingsberg")
    intake.select_option("#id_kind", "groceries")
    intake.fill("#id_task_text", "Handla mjölk, bröd och kaffe")
    intake.fill("#id_internal_notes", "Hör dåligt")
    intake.check("#id_is_70_plus")
    intake.check("#id_consent")
    intake.screenshot(path=str(SCREENSHOTS / "intake.png"), full_page=True)
    intake.click("#intake-save")
    intake.wait_for_url("**/requests/*/")
    code = intake.locator("h1").inner_text().split()[0].lstrip("#")
    saved = time.monotonic()

    # B's board shows it without a reload, within 2 s of the save.
    card(board_b, code).wait_for(timeout=2000)
    assert time.monotonic() - saved < 2.0
    # The worker matches it and offers it to a wave of volunteers by SMS.
    offered = board_b.locator(f"[data-cards=offered] .card-item:has-text('#{code}')")
    offered.wait_for(timeout=10000)

    phone, coordinator_name, organisation = (
        stack.shell(OFFERED_VOLUNTEER.format(code=code)).strip().splitlines()[-1].split()
    )
    coordinator = login(browser, stack, coordinator_name)
    coordinator.wait_for_selector("#board-state.live")
    coordinator.locator(f"[data-cards=offered] .card-item:has-text('#{code}')").wait_for(
        timeout=3000
    )

    # The volunteer accepts in the phone simulator: "1 <code>", through the signed webhook.
    simulator = intake.context.new_page()
    simulator.goto(f"{stack.base}/sms/simulator/?phone={phone}")
    assert code in simulator.locator("#sim-thread").inner_text()
    simulator.fill("#sim-body", f"1 {code}")
    simulator.click("#sim-form button[type=submit]")

    board_b.locator(f"[data-cards=assigned] .card-item:has-text('#{code}')").wait_for(timeout=3000)
    coordinator.locator(f"[data-cards=assigned] .card-item:has-text('#{code}')").wait_for(
        timeout=3000
    )
    # The request page reloads itself with the new status and the timeline entry.
    intake.wait_for_function(
        "document.getElementById('request-status').className.includes('status-assigned')",
        timeout=3000,
    )
    assert "→ Tilldelad" in intake.locator("#timeline").inner_text()  # the status, in words
    board_b.screenshot(path=str(SCREENSHOTS / "board.png"), full_page=True)

    # Another organisation's request never reaches this coordinator, not even by its id.
    other_code, other_id = (
        stack.shell(OTHER_ORGANISATION.format(organisation=organisation))
        .strip()
        .splitlines()[-1]
        .split()
    )
    assert card(board_b, other_code).count() == 1
    assert card(coordinator, other_code).count() == 0
    response = coordinator.goto(f"{stack.base}/requests/{other_id}/")
    assert response.status == 404


def test_reconnecting_state_is_visible_and_recovers(browser, stack):
    page = login(browser, stack, "operator")
    page.wait_for_selector("#board-state.live")
    stack.web_stop()
    page.wait_for_selector("#board-state.reconnecting", timeout=3000)
    assert page.locator("#board-state").inner_text() == "Återansluter…"
    stack.web_start()
    # The backoff grows from 0.5 s; the first attempts after the restart succeed.
    page.wait_for_selector("#board-state.live", timeout=15000)
    assert page.locator(".card-item").count() > 0  # a fresh snapshot after reconnecting
