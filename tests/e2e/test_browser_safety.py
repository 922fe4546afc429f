"""Safety in a real browser (Debian's Chromium) against the real processes: Enter in intake's
phone field looks the caller up and saves nothing, and a referral's callback turned into a
request stays a referral that no volunteer is offered."""

import time

import pytest

from .test_browser_helpdesk import browser, login  # noqa: F401 (the fixture is used by name)

pytestmark = pytest.mark.browser

# The demo's resident with an open violence referral, and how many requests there are.
REFERRAL_RESIDENT = """
from helpdesk.models import HelpRequest
referral = HelpRequest.objects.filter(sensitive=True, status__in=HelpRequest.OPEN_STATUSES).first()
print(referral.resident.phone, HelpRequest.objects.count())
"""

REQUESTS_COUNT = "from helpdesk.models import HelpRequest; print(HelpRequest.objects.count())"

# A referral that came in by SMS: routed, with a callback due now.
REFERRAL_CALLBACK = """
from django.utils import timezone
from helpdesk.models import Callback, Resident
from helpdesk.safety import referral_route
from helpdesk.services import helprequest_create
resident, _ = Resident.objects.get_or_create(phone="+46701740699", defaults={"name": "Leyla E2e"})
referral = helprequest_create(
    resident=resident, kind="referral", safe_callback_note="Ring 10-12, inget meddelande"
)
referral_route(request=referral)
callback = Callback.objects.create(request=referral, due_at=timezone.now())
print(callback.pk, referral.pk, referral.routed_to_id or 0)
"""

CONVERTED = """
from helpdesk.models import HelpRequest
from matching.models import Offer
source = HelpRequest.objects.get(pk={source})
new = source.converted_to
print(new.kind, new.sensitive, new.operators_only, new.routed_to_id or 0,
      Offer.objects.filter(request=new).count(), new.assigned_volunteer_id or 0, source.status,
      new.status)
"""


def shell_line(stack, code: str) -> list[str]:
    return stack.shell(code).strip().splitlines()[-1].split()


def test_enter_in_the_phone_field_looks_up_and_saves_nothing(browser, stack):  # noqa: F811
    phone, before = shell_line(stack, REFERRAL_RESIDENT)
    page = login(browser, stack, "operator")
    page.goto(stack.base + "/intake/")
    page.keyboard.type(phone)  # the phone field has the focus
    # Enter looks the caller up: its answer arrives, and the page is still the intake.
    with page.expect_response("**/intake/lookup/**"):
        page.keyboard.press("Enter")
    warning = page.locator("#lookup-result .referral-warning")
    warning.wait_for(timeout=5000)
    assert "hänvisning" in warning.inner_text().lower()
    assert page.url.endswith("/intake/")
    assert page.locator("#id_kind").input_value() == ""
    assert not page.locator("#id_send_summary").is_checked()
    # Enter again, with the form filled in from the lookup and consent ticked: the same.
    with page.expect_response("**/intake/lookup/**"):
        page.locator("#id_phone").press("Enter")
    assert page.url.endswith("/intake/")
    assert shell_line(stack, REQUESTS_COUNT) == [before]


def test_a_referral_callback_converted_stays_a_referral(browser, stack):  # noqa: F811
    callback, source, routed = shell_line(stack, REFERRAL_CALLBACK)
    page = login(browser, stack, "operator")
    page.goto(stack.base + "/callbacks/")
    card = page.locator(f"#callback-{callback}")
    card.locator("form[action$='/claim/'] button").click()
    page.wait_for_url(f"**/callbacks/#callback-{callback}")  # back at the card
    menu = page.locator(f"#kind-{callback}")
    assert menu.locator("option").evaluate_all("o => o.map(x => x.value)") == ["referral"]
    page.fill(f"#task-{callback}", "Vill ha skyddat boende")
    card.locator("form[action$='/convert/'] button").click()
    page.wait_for_url("**/requests/*/")
    # The worker matches the new request: it goes to operators, and nobody is offered it.
    deadline = time.monotonic() + 15
    state = shell_line(stack, CONVERTED.format(source=source))
    while state[7] != "escalated" and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        state = shell_line(stack, CONVERTED.format(source=source))
    kind, sensitive, operators_only, routed_to, offers, volunteer, source_status, status = state
    assert (kind, sensitive, operators_only) == ("referral", "True", "True")
    assert routed_to == routed
    assert (offers, volunteer, source_status, status) == ("0", "0", "done", "escalated")
