"""The nginx site in deploy/nginx run for real (Debian's nginx, on loopback, from a prefix of
its own, so no root is needed) in front of two daphne processes and a worker from a released
checkout with production settings: a browser signs in through nginx, its board socket opens
through it and receives a change the worker made; static files come under hashed names with
a long cache; the upload limit lets a full volunteer CSV through and stops more."""

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from matching.volunteer_csv import MAX_BYTES
from tests.e2e.stack import PASSWORD, Stack, free_port
from tests.e2e.test_browser_helpdesk import ARGS, CHROMIUM
from tests.e2e.test_worker_reaches_boards import WORKER_CHANGE

from .checkout import ROOT, production_env
from .conftest import tool_required

pytestmark = pytest.mark.browser

SITE = ROOT / "deploy" / "nginx" / "samhjalp.conf"


def site_config(*, prefix: Path, port: int, web_ports: list[int], static_root: Path) -> str:
    """deploy/nginx/samhjalp.conf with loopback addresses and this run's paths, inside a
    minimal nginx.conf of its own. Each change must apply exactly once, so the site cannot
    drift away from what is tested."""
    site = SITE.read_text()
    upstream = "".join(f"    server 127.0.0.1:{p};\n" for p in web_ports)
    for pattern, replacement in [
        (r"(?:    server 127\.0\.0\.1:\d+;\n)+", upstream),
        (r"listen 80;", f"listen 127.0.0.1:{port};"),
        (r"    listen \[::\]:80;\n", ""),
        (r"/srv/samhjalp/app/staticfiles/", f"{static_root}/"),
    ]:
        site, count = re.subn(pattern, replacement, site)
        assert count == 1, f"{pattern!r} found {count} times in {SITE}"
    temp = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx would hand its workers to `nobody`, who cannot read pytest's private
    # temporary directories.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
{temp}
{site}
}}
"""


def wait_for(url: str, what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer at {url}: " + log.read_text()[-3000:])


@pytest.fixture(scope="module")
def site(release, tmp_path_factory):
    nginx = tool_required("nginx", "nginx")
    if not Path(CHROMIUM).exists():
        tool_required(CHROMIUM, "chromium")
    directory = tmp_path_factory.mktemp("nginx")
    port = free_port(8400, 8499)
    base = f"http://127.0.0.1:{port}"
    # The Stack starts from the suite's environment, whose STATIC_MANIFEST=0 (tests/conftest.py)
    # is for unbuilt trees: this one is built.
    env = production_env(release, PUBLIC_BASE_URL=base, LOG_LEVEL="WARNING", STATIC_MANIFEST="1")
    stack = Stack(directory, root=release, extra_env=env).start()
    second = free_port(8300, 8399)
    stack.processes.append(stack.web_process(second))
    wait_for(f"http://127.0.0.1:{second}/healthz", "the second daphne", directory / "stack.log")
    prefix = directory / "prefix"
    prefix.mkdir()
    (prefix / "nginx.conf").write_text(
        site_config(
            prefix=prefix,
            port=port,
            web_ports=[stack.port, second],
            static_root=release / "staticfiles",
        )
    )
    command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    proxy = subprocess.Popen(command, stdout=stack.log, stderr=subprocess.STDOUT)
    try:
        wait_for(base + "/healthz", "nginx", directory / "stack.log")
        yield stack, base
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        stack.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def test_sign_in_and_a_live_board_through_nginx(site, browser):
    stack, base = site
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    sockets, frames = [], []

    def opened(socket) -> None:
        sockets.append(socket.url)
        socket.on("framereceived", lambda payload: frames.append(payload))

    page.on("websocket", opened)
    page.goto(base + "/login/")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.wait_for_selector("#board-state.live", timeout=10000)
    assert sockets == [f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/ws/board/"]

    # The worker (another process) changes a request; the board hears of it through nginx.
    request_id = int(stack.shell(WORKER_CHANGE).strip().splitlines()[-1])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        events = [json.loads(frame) for frame in frames]
        if any(e.get("event") == "callback_due" and e["card"]["id"] == request_id for e in events):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError(f"no callback_due event for request {request_id}: {frames[-3:]}")

    # The page links its stylesheet by its hashed name, served by nginx with a long cache.
    href = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert re.search(r"\.[0-9a-f]{12}\.css$", href), href
    response = urllib.request.urlopen(base + href, timeout=5)  # noqa: S310 (loopback)
    assert "immutable" in response.headers["Cache-Control"]
    context.close()


def post_size(url: str, size: int) -> int:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url, data=b"x" * size, headers={"Content-Type": "application/octet-stream"}
    )
    try:
        return urllib.request.urlopen(request, timeout=10).status  # noqa: S310 (loopback)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_upload_limit_lets_a_full_volunteer_csv_through_and_no_more(site):
    _, base = site
    # Past nginx, Django refuses an anonymous POST (403 or a redirect to sign in): not 413.
    assert post_size(base + "/partners/", MAX_BYTES + 16 * 1024) != 413
    assert post_size(base + "/partners/", 2 * MAX_BYTES) == 413
