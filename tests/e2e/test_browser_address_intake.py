"""Intake's address field in a real browser (Debian's Chromium) against the real processes: a
part of an address typed as the caller says it, a suggestion picked with the keyboard, and the
request's resident placed at that door, in its district; an address the register does not
know saved as typed and shown as an approximate position on the request page."""

import json

import pytest

from .test_browser_helpdesk import browser  # noqa: F401 (the fixture is used by name)
from .test_browser_operator_day import last_line, operator_page

pytestmark = pytest.mark.browser

# Doors of the register made for this test, on a street the demo register does not have, in
# the first district; the page's select starts at the last one, to see it follow the pick.
REGISTER = """
from places.models import Address, District
from places.text import search_text
first, last = District.objects.order_by("name").first(), District.objects.order_by("name").last()
rows = [("Tallvretsvägen", "1", ""), ("Tallvretsvägen", "1", "A"), ("Tallvretsvägen", "12", ""),
        ("Tallbacken", "5", "")]
ids = []
for i, (street, number, letter) in enumerate(rows):
    row, _ = Address.objects.update_or_create(
        source="e2e", source_id=f"tall-{i}",
        defaults=dict(street=street, number=number, letter=letter, postcode="14152",
                      locality="Flemingsberg", municipality="Huddinge", district=first,
                      lat=59.2201 + i / 10000, lon=17.9465,
                      search_text=search_text(street, number, letter, "14152", "Flemingsberg")))
    ids.append(row.pk)
print(first.pk, last.pk, *ids)
"""

SAVED = """
import json
from helpdesk.models import HelpRequest
r = HelpRequest.objects.select_related("resident").get(pk={pk})
p = r.resident
print(json.dumps({{"place": p.place_id, "lat": p.lat, "lon": p.lon, "district": p.district_id,
    "request_district": r.district_id, "approximate": p.position_approximate,
    "address": p.address}}))
"""

ADDRESS = """
import json
from places.models import Address, District
a = Address.objects.get(pk={pk})
d = District.objects.get(pk={district})
print(json.dumps({{"label": a.label, "lat": a.lat, "lon": a.lon, "district": a.district_id,
    "centre": [d.lat, d.lon]}}))
"""

# Answers for the first word typed ("tall") come back late: a slower, earlier answer must
# not replace the list for what is in the field now.
SLOW_EARLY_ANSWERS = """
window.staleDone = false;
const realFetch = window.fetch;
window.fetch = function (url, options) {
  const answer = realFetch(url, options);
  if (!String(url).endsWith("q=tall")) return answer;
  return answer.then((r) => new Promise((resolve) => setTimeout(() => {
    resolve(r); setTimeout(() => { window.staleDone = true; }, 50);
  }, 900)));
};
"""


def json_line(stack, code: str) -> dict:
    return json.loads(stack.shell(code).strip().splitlines()[-1])


def intake_open(browser, stack, phone: str):  # noqa: F811
    page = operator_page(browser, stack)
    page.goto(stack.base + "/intake/")
    page.keyboard.type(phone)
    page.locator("#lookup-result p").wait_for()
    return page


def request_finish_and_save(page) -> str:
    page.select_option("#id_kind", "groceries")
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("#intake-save")
    assert "/requests/" in page.url
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def test_a_partial_address_picked_by_keyboard_places_the_resident_at_the_door(
    browser,  # noqa: F811
    stack,
):
    first, last, one, _one_a, _twelve, backen = last_line(stack, REGISTER)
    door = json_line(stack, ADDRESS.format(pk=one, district=first))
    page = intake_open(browser, stack, "070-179 88 01")
    page.select_option("#id_district", last)
    page.evaluate(SLOW_EARLY_ANSWERS)
    field = page.locator("#id_address")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.focus()
    page.keyboard.type("tall")
    page.wait_for_timeout(400)  # the early question is asked; its answer is on its way
    page.keyboard.type("vretsv 1")
    options = page.locator("#id_address-suggestions [role=option]")
    options.first.wait_for()
    page.wait_for_function("() => window.staleDone === true", timeout=10_000)
    # The late answer for "tall" (which would list Tallbacken) changed nothing.
    labels = options.all_inner_texts()
    assert labels and not any("Tallbacken" in label for label in labels)
    assert all(label.startswith("Tallvretsvägen 1") for label in labels)
    assert page.locator(f"#id_address-suggestions [data-place='{backen}']").count() == 0
    assert field.get_attribute("aria-expanded") == "true"
    listbox = page.locator("#id_address-suggestions")
    assert listbox.get_attribute("role") == "listbox"
    assert field.get_attribute("aria-controls") == "id_address-suggestions"
    status = page.locator("#id_address-status")
    assert status.get_attribute("aria-live") == "polite"
    assert f"{len(labels)} adresser i registret" in status.inner_text()

    # Escape closes the list, and the count of suggestions goes with it; ArrowDown opens it
    # again at its first suggestion.
    page.keyboard.press("Escape")
    assert listbox.is_hidden() and field.get_attribute("aria-expanded") == "false"
    assert status.inner_text() == ""
    assert page.url.endswith("/intake/")
    page.keyboard.press("ArrowDown")
    assert field.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")  # down to the second, and up again to the first
    assert field.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    page.keyboard.press("ArrowUp")
    active = field.get_attribute("aria-activedescendant")
    assert active == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    assert options.first.get_attribute("data-place") == one
    page.keyboard.press("Enter")  # picks; the form is not sent
    assert page.url.endswith("/intake/")
    assert field.input_value() == door["label"]
    assert page.locator("#id_place").input_value() == one
    assert page.locator("#id_district").input_value() == first  # the select followed
    assert field.get_attribute("aria-expanded") == "false"
    assert field.get_attribute("aria-activedescendant") is None

    # Text changed after the pick drops it, and the district the pick set: the one chosen
    # before comes back. Picking again brings both back.
    page.keyboard.type(" x")
    assert page.locator("#id_place").input_value() == ""
    assert page.locator("#id_district").input_value() == last
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    options.first.wait_for()
    assert options.first.get_attribute("data-place") == one
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#id_place").input_value() == one

    pk = request_finish_and_save(page)
    saved = json_line(stack, SAVED.format(pk=pk))
    assert saved["place"] == int(one) and saved["approximate"] is False
    assert (saved["lat"], saved["lon"]) == (door["lat"], door["lon"])
    assert saved["district"] == saved["request_district"] == int(first) == door["district"]
    assert page.locator("#what-approximate").count() == 0
    assert door["label"] in page.locator("#what-address").inner_text()


def test_an_address_the_register_does_not_know_is_saved_approximate(browser, stack):  # noqa: F811
    _first, last, one, *_others = last_line(stack, REGISTER)
    district = json_line(stack, ADDRESS.format(pk=one, district=last))
    page = intake_open(browser, stack, "070-179 88 02")
    page.select_option("#id_district", last)
    page.locator("#id_address").focus()
    page.keyboard.type("Påhittade gränd 99")
    status = page.locator("#id_address-status")
    page.wait_for_function(
        "() => document.getElementById('id_address-status').textContent.includes('Finns inte')"
    )
    assert "ungefärlig" in status.inner_text()
    assert page.locator("#id_place").input_value() == ""
    pk = request_finish_and_save(page)
    flag = page.locator("#what-approximate")
    assert flag.inner_text() == "Position ungefärlig (kommundelens mitt)"
    assert "Påhittade gränd 99" in page.locator("#what-address").inner_text()
    saved = json_line(stack, SAVED.format(pk=pk))
    assert saved["place"] is None and saved["approximate"] is True
    assert [saved["lat"], saved["lon"]] == district["centre"]
    assert saved["district"] == int(last)
