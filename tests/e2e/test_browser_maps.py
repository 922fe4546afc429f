"""The maps in a real browser (Debian's Chromium) against the real processes, with no tile
server at all (MAP_TILE_URL=""): the request page's map still draws its district's boundary
and its markers, numbered as the candidates table, and the board's map view gains a marker
for a request made after the page loaded (over the socket) and loses it when it is closed."""

import json
import re

import pytest

from .stack import Stack
from .test_browser_helpdesk import browser  # noqa: F401 (the fixture is used by name)
from .test_browser_operator_day import AXE, axe_run, last_line, operator_page

pytestmark = pytest.mark.browser

# A square boundary around the first district's centre, and a resident at a door inside it.
PLACE = """
from places.models import District
from helpdesk.models import Resident
from helpdesk.services import helprequest_create
d = District.objects.order_by("pk").first()
half = 0.02
d.boundary = {"type": "Polygon", "coordinates": [[
    [d.lon - half, d.lat - half], [d.lon + half, d.lat - half], [d.lon + half, d.lat + half],
    [d.lon - half, d.lat + half], [d.lon - half, d.lat - half]]]}
d.save(update_fields=["boundary"])
resident, made = Resident.objects.get_or_create(phone="+46701770001", defaults=dict(
    name="Karta Karlsson", district=d, lat=d.lat + 0.003, lon=d.lon - 0.002))
r = (helprequest_create(resident=resident, kind="groceries", task_text="Handla till kartan")
     if made else resident.requests.first())
print(r.pk, d.pk)
"""

NEW_REQUEST = """
from places.models import District
from helpdesk.models import Resident
from helpdesk.services import helprequest_create
d = District.objects.get(pk={district})
resident = Resident.objects.create(name="Live Lundqvist", phone="+46701770002",
    district=d, lat=d.lat - 0.004, lon=d.lon + 0.003)
r = helprequest_create(resident=resident, kind="pharmacy", task_text="Apotek, kartan", urgency=2)
print(r.pk)
"""

CLOSE = """
from helpdesk.models import HelpRequest
from helpdesk.offers import helprequest_cancel
helprequest_cancel(request=HelpRequest.objects.get(pk={pk}), actor=None, reason="Klar")
print(HelpRequest.objects.get(pk={pk}).status)
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # Stack sets MAP_TILE_URL="" for every browser test; said again here, as it is the point.
    running = Stack(tmp_path_factory.mktemp("maps"), extra_env={"MAP_TILE_URL": ""}).start()
    yield running
    running.stop()


def csp_watch(page) -> list[str]:
    refused = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return refused


def test_the_request_map_without_tiles_draws_the_boundary_and_the_markers(browser, stack):  # noqa: F811
    request, _district = last_line(stack, PLACE)
    page = operator_page(browser, stack)
    refused = csp_watch(page)
    page.goto(f"{stack.base}/requests/{request}/")
    page.wait_for_selector("#request-map[data-boundaries=shown]", timeout=10000)
    # The boundary is a vector path in Leaflet's overlay pane: no tile is asked for.
    paths = page.locator("#request-map .leaflet-overlay-pane svg path.map-district")
    assert paths.count() >= 1
    assert re.search(r"\d", paths.first.get_attribute("d") or "")
    assert page.locator("#request-map .leaflet-tile").count() == 0
    # The resident, and each candidate numbered as in the table.
    assert page.locator("#request-map .map-pin-resident").count() == 1
    table = page.locator("#candidates .rank").all_inner_texts()
    assert table, "no candidates in the table"
    pins = page.locator("#request-map .map-pin-person").all_inner_texts()
    assert [p.strip() for p in pins] == [t.rstrip(".") for t in table]
    # Each pin inside the map where its point is: north is up, east is right.
    box = page.locator("#request-map").bounding_box()
    assert box["height"] > 200 and box["width"] > 300
    people = json.loads(page.locator("#map-points").text_content())["people"]
    centres = []
    for i in range(len(people)):
        pin = page.locator("#request-map .map-pin-person").nth(i).bounding_box()
        x, y = pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] / 2
        assert box["x"] <= x <= box["x"] + box["width"], i
        assert box["y"] <= y <= box["y"] + box["height"], i
        centres.append((x, y))
    north = max(range(len(people)), key=lambda i: people[i]["lat"])
    east = max(range(len(people)), key=lambda i: people[i]["lon"])
    assert min(range(len(people)), key=lambda i: centres[i][1]) == north
    assert max(range(len(people)), key=lambda i: centres[i][0]) == east
    assert refused == []


def test_the_board_map_follows_the_socket(browser, stack):  # noqa: F811
    _request, district = last_line(stack, PLACE)
    page = operator_page(browser, stack)
    refused = csp_watch(page)
    page.wait_for_selector("body[data-board=live]", timeout=15000)
    assert page.locator("#board-map-box").is_hidden()
    page.click("#board-map-toggle")
    assert page.locator("#board-map-toggle").get_attribute("aria-pressed") == "true"
    page.wait_for_selector("#board-map[data-boundaries=shown]", timeout=10000)
    assert page.locator("#board-map .leaflet-overlay-pane svg path.map-district").count() >= 1
    page.wait_for_selector("#board-map .board-marker", timeout=10000)  # the demo's open ones

    (pk,) = last_line(stack, NEW_REQUEST.format(district=district))
    marker = page.locator(f'#board-map .board-marker[data-id="{pk}"]')
    marker.wait_for(timeout=15000)  # live: no reload, no polling
    assert "bm-u2" in marker.get_attribute("class")  # urgent: the red diamond
    assert marker.get_attribute("title").startswith("#")
    assert page.locator(f'.board-column .card-item[data-id="{pk}"]').count() == 1

    assert last_line(stack, CLOSE.format(pk=pk)) == ["cancelled"]
    marker.wait_for(state="detached", timeout=15000)
    assert page.locator(f'.board-column .card-item[data-id="{pk}"]').count() == 0

    # The view is remembered in this browser.
    page.reload()
    page.wait_for_selector("body[data-board=live]", timeout=15000)
    assert page.locator("#board-map-box").is_visible()
    # A marker opens its request's page, from the keyboard too (Leaflet's marker takes Enter
    # as a click). Markers of requests at one district's centre lie on top of each other, so
    # a pointer click could land on a neighbour: the one focused is the one opened.
    first = page.locator("#board-map .board-marker").first
    first.wait_for(timeout=10000)
    opened = first.get_attribute("data-id")
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{stack.base}/requests/{opened}/", timeout=10000)
    assert refused == []


COORDINATOR_REQUEST = """
from helpdesk.models import HelpRequest
from matching.models import Organisation
o = Organisation.objects.filter(coordinators__username="coordinator").first()
r = HelpRequest.objects.filter(offers__volunteer__organisation=o, status="offered").first()
print(r.pk)
"""


def test_a_coordinators_request_map_shows_the_district_not_the_door(browser, stack):  # noqa: F811
    (pk,) = last_line(stack, COORDINATOR_REQUEST)
    page = operator_page(browser, stack, "coordinator")
    refused = csp_watch(page)
    page.goto(f"{stack.base}/requests/{pk}/")
    page.wait_for_selector("#request-map[data-boundaries=shown]", timeout=10000)
    points = json.loads(page.locator("#map-points").text_content())
    assert points["resident"]["approximate"] is True
    # Drawn as approximate: a dashed circle around the district's centre, and a dashed pin.
    circle = page.locator("#request-map .leaflet-overlay-pane path.map-approx")
    assert circle.count() >= 1 and circle.first.get_attribute("stroke-dasharray")
    assert page.locator("#request-map .map-pin-resident.map-pin-approx").count() == 1
    assert page.locator("#request-map .map-pin-person").count() == len(points["people"]) >= 1
    assert refused == []


def test_the_maps_shown_pass_axe(browser, stack):  # noqa: F811
    """tests/e2e/test_browser_operator_day.py runs axe over every page as it opens; the board's
    map is off there. Here with both maps drawn, markers and all."""
    if not AXE.exists():
        from tests.conftest import service_missing

        service_missing("browser", "needs axe-core: npm install --prefix .ci/axe axe-core")
    request, _district = last_line(stack, PLACE)
    (offered,) = last_line(stack, COORDINATOR_REQUEST)
    found = {}
    for username, url in (
        ("operator", "/"),
        ("operator", f"/requests/{request}/"),
        ("coordinator", "/"),
        ("coordinator", f"/requests/{offered}/"),
    ):
        page = operator_page(browser, stack, username, bypass_csp=True)
        page.goto(stack.base + url)
        if url == "/":
            page.wait_for_selector("body[data-board=live]", timeout=15000)
            if page.locator("#board-map-box").is_hidden():
                page.click("#board-map-toggle")
            page.wait_for_selector("#board-map[data-boundaries=shown]", timeout=10000)
            page.wait_for_selector("#board-map .board-marker", timeout=10000)
        else:
            page.wait_for_selector("#request-map[data-boundaries=shown]", timeout=10000)
        if problems := axe_run(page):
            found[f"{username} {url}"] = problems
        page.context.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
