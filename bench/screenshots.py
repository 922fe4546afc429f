"""Screenshots of the operator's pages for docs/ at 1366 x 768 (the request page, intake, the
board and the needs page), taken against the real processes on the demo data (tests/e2e's
stack). Re-run when the pages change: `.venv/bin/python bench/screenshots.py`."""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.stack import PASSWORD, Stack  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OFFERED = (
    "from helpdesk.models import HelpRequest; "
    "print(HelpRequest.objects.filter(status='offered').first().pk)"
)
KNOWN = (
    "from helpdesk.models import Resident; print(Resident.objects.exclude(phone='').first().phone)"
)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    stack = Stack(Path(tempfile.mkdtemp(prefix="samhjalp-shots-"))).start()
    try:
        request = stack.shell(OFFERED).strip().splitlines()[-1]
        phone = stack.shell(KNOWN).strip().splitlines()[-1]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_context(
                viewport={"width": 1366, "height": 768}, locale="sv-SE"
            ).new_page()
            page.goto(stack.base + "/login/")
            page.fill("input[name=username]", "operator")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(stack.base + "/")
            page.wait_for_selector("#board-state.live")
            page.screenshot(path=str(OUT / "board.png"))
            page.goto(f"{stack.base}/requests/{request}/")
            page.screenshot(path=str(OUT / "request.png"))
            page.goto(stack.base + "/intake/")
            page.keyboard.type(phone)
            page.locator("#lookup-result p").wait_for()
            page.select_option("#id_kind", index=1)
            page.check("#id_when_1")
            page.screenshot(path=str(OUT / "intake.png"), full_page=True)
            page.goto(stack.base + "/reports/needs/")
            page.screenshot(path=str(OUT / "needs.png"), full_page=True)
            browser.close()
    finally:
        stack.stop()
    print("screenshots in", OUT)


if __name__ == "__main__":
    main()
