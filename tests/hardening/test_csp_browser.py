"""The Content-Security-Policy in force, in Chromium, against the real processes: every page
works (the board goes live, the intake finds a caller as the number is typed, the simulator
sends a text, the language menu switches) and no page reports a violation, whether as a
`securitypolicyviolation` event or in the console. Every link reachable from those pages is
opened too, so a page added later is covered without being listed here."""

import re
import shutil
from urllib.parse import urljoin, urlparse

import pytest

from tests.e2e.stack import PASSWORD, Stack

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" +
                    e.lineNumber);
});
"""
SKIP = re.compile(r"/logout|/sms/(inbound|status)|\.csv|\.json|/export")

IDS = """
from helpdesk.models import HelpRequest, Resident
from matching.models import Organisation, Volunteer
request = HelpRequest.objects.filter(status="assigned").first()
volunteer = Volunteer.objects.filter(offers__status="pending").first() or Volunteer.objects.first()
print(request.pk, Resident.objects.first().pk, Organisation.objects.first().pk, volunteer.phone)
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("csp")).start()
    yield running
    running.stop()


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


class Watched:
    """A logged-in page that records every CSP violation and CSP console message."""

    def __init__(self, browser, stack, username: str | None) -> None:
        self.stack = stack
        self.context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda m: self.console.append(m.text) if "Content Security Policy" in m.text else None,
        )
        if username:
            self.open("/login/")
            self.page.fill("input[name=username]", username)
            self.page.fill("input[name=password]", PASSWORD)
            with self.page.expect_navigation():
                self.page.click("button[type=submit]")
            assert "/login/" not in self.page.url, self.page.content()[:2000]

    def open(self, path: str):
        self.console = []
        response = self.page.goto(urljoin(self.stack.base, path))
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, (path, policy)
        return response

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__csp") + self.console

    def links(self) -> set[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        base = urlparse(self.stack.base)
        return {
            urlparse(h)._replace(fragment="").geturl()
            for h in hrefs
            if urlparse(h).netloc == base.netloc and not SKIP.search(h)
        }


def test_every_page_works_under_the_policy(browser, stack):
    request_id, resident_id, organisation_id, volunteer_phone = (
        stack.shell(IDS).strip().splitlines()[-1].split()
    )
    seen: dict[str, list[str]] = {}

    operator = Watched(browser, stack, "operator")
    # The board: its script runs and its socket connects.
    operator.page.wait_for_selector("#board-state.live", timeout=10000)
    seen["/"] = operator.violations()
    # Intake: the lookup answers as the number is typed.
    operator.open("/intake/")
    operator.page.keyboard.type("070-174 06 85")
    operator.page.wait_for_selector("#lookup-result p", timeout=5000)
    seen["/intake/"] = operator.violations()
    # The phone simulator sends a text and shows it.
    operator.open(f"/sms/simulator/?phone={volunteer_phone}")
    operator.page.fill("#sim-body", "Hej från CSP-testet")
    operator.page.click("#sim-form button[type=submit]")
    operator.page.locator("#sim-thread").get_by_text("Hej från CSP-testet").first.wait_for()
    seen["/sms/simulator/"] = operator.violations()
    # The language menu switches the page (an inline handler before).
    operator.open("/callbacks/")
    with operator.page.expect_navigation():
        operator.page.select_option("#ui-language", "en")
    assert operator.page.locator("html").get_attribute("lang") == "en"
    operator.page.select_option("#ui-language", "sv")
    operator.page.wait_for_function("document.documentElement.lang === 'sv'")
    seen["/callbacks/ (language)"] = operator.violations()

    pages = [
        f"/requests/{request_id}/",
        "/callbacks/",
        "/partners/",
        f"/partners/{organisation_id}/",
        "/reports/needs/",
        "/privacy/?q=070-174+06+85",
        f"/privacy/residents/{resident_id}/",
    ]
    queue = list(pages)
    for page in pages:
        operator.open(page)
        queue += sorted(operator.links())
    opened = set()
    for path in queue:
        key = urlparse(urljoin(stack.base, path))._replace(query="").path
        if key in opened and path not in pages:
            continue
        opened.add(key)
        response = operator.open(path)
        assert response.status < 500, path
        operator.page.wait_for_load_state("networkidle")
        seen[path] = operator.violations()
    assert len(opened) >= 10

    # A coordinator's own pages and the admin's login page, as their users see them.
    coordinator = Watched(browser, stack, "coordinator")
    for path in sorted(coordinator.links()):
        coordinator.open(path)
        seen[f"coordinator {path}"] = coordinator.violations()
    anonymous = Watched(browser, stack, None)
    anonymous.open("/admin/login/")
    anonymous.page.wait_for_selector("input[name=username]")
    seen["/admin/login/"] = anonymous.violations()
    anonymous.open("/login/")
    seen["/login/"] = anonymous.violations()

    reported = {path: v for path, v in seen.items() if v}
    assert reported == {}, reported
