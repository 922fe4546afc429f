"""One language per screen: every page, as every role that can open it, in Swedish and in
English, reads in that language only.

How an English string on a Swedish page is found, without a list of English words to keep
up to date: the catalogues are the dictionary. Every word of every msgid (the English source
texts of all apps, placeholders taken out) is an English word; every word of every Swedish
msgstr is a Swedish word. A word of the page's visible text (text nodes outside script and
style, the title, placeholder, aria-label and alt attributes, and data-* attributes holding
words a script shows) that is English and not
also Swedish is a finding. So an untranslated msgid shows up, and so does a sentence written
in code in English ("Referral routed to ..."), as long as its words are words the product
uses anywhere, which for the texts of this product they are; a short list cannot hide it,
because the list is every text the product has. The English pages are checked the other way
round: a word of the Swedish catalogues that is not English ("Skapad", "Erbjuden") is a
finding.

The allow-list is what people typed or named, read from the database rather than written
here: every text value of every row (names, addresses, organisations, districts, task texts,
SMS bodies, user names), the languages' own names in the language menu, and product names.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils.translation import get_language_info

from config.roles import ADMIN
from helpdesk.models import HelpRequest
from helpdesk.offers import helprequest_match
from notifications.inbound import inbound_receive
from tests.conftest import make_user, second_factor_verified
from tests.factories import CENTRE, helprequest_make, resident_make, volunteer_make

from .test_access_attacks import fill, organisation_data
from .urlwalk import routes

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]+")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{[^}]*\}|&\w+;")
PRODUCT = {"samhjälp", "twilio", "huddinge", "sms", "csv", "id", "ok", "totp", "qr", "e"}
# Shown on every page as its own language's name: the language menu.
SKIP_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


def _script_text(name: str, value: str) -> bool:
    """A data-* attribute holding words a script will show ("Not on the map: %(n)s"), not
    an id, a URL or JSON: it is read like visible text."""
    return (
        name.startswith("data-")
        and " " in value.strip()
        and not value.lstrip().startswith(("/", "{", "[", "http"))
    )


def _po_entries(path: Path) -> list[tuple[list[str], list[str]]]:
    """(msgids, msgstrs) of a .po file, plural forms included, fuzzy and header left out."""
    entries, ids, strs, current, fuzzy = [], [], [], None, False

    def close():
        nonlocal ids, strs, fuzzy
        if ids and any(ids) and not fuzzy:
            entries.append((ids, strs))
        ids, strs, fuzzy = [], [], False

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,") and "fuzzy" in line:
            close()
            fuzzy = True
        elif line.startswith("msgid"):
            if strs:
                close()
            ids.append(_po_string(line))
            current = ids
        elif line.startswith("msgstr"):
            strs.append(_po_string(line))
            current = strs
        elif line.startswith('"') and current is not None:
            current[-1] += _po_string(line)
        elif not line.strip():
            close()
            current = None
    close()
    return entries


def _po_string(line: str) -> str:
    text = line[line.index('"') + 1 : line.rindex('"')]
    return text.replace('\\"', '"').replace("\\n", "\n")


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", text))}


def vocabularies() -> tuple[set[str], set[str]]:
    """(English words, Swedish words) of the catalogues."""
    english, swedish = set(), set()
    for po in ROOT.glob("*/locale/sv/LC_MESSAGES/django.po"):
        for ids, strs in _po_entries(po):
            if not any(strs):
                continue
            for msgid in ids:
                english |= _words(msgid)
            for msgstr in strs:
                swedish |= _words(msgstr)
    for po in ROOT.glob("locale/sv/LC_MESSAGES/django.po"):
        for ids, strs in _po_entries(po):
            if any(strs):
                english |= set().union(*map(_words, ids))
                swedish |= set().union(*map(_words, strs))
    return english, swedish


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        for name, value in attrs:
            if value and (name in SKIP_ATTRIBUTES or _script_text(name, value)):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_words(html: str) -> set[str]:
    parser = _Visible()
    parser.feed(html)
    return _words(" ".join(parser.parts))


# Rows the product writes, not people: their codes and texts must not become allowed words.
WRITTEN_BY_US = {"timelineevent", "boardevent", "accesslog", "session", "contenttype"}
CODE_FIELD = re.compile(r"status|kind|language|code|actor_label|channel|^key$|password|token")


def typed_words() -> set[str]:
    """Every word people typed or named: every free-text value of every row (no field with
    choices, no status or code column, nothing the product itself writes)."""
    words = set(PRODUCT)
    for model in apps.get_models():
        if model._meta.model_name in WRITTEN_BY_US:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and not CODE_FIELD.search(f.name)
        ]
        for row in model.objects.values_list(*fields) if fields else []:
            for value in row:
                if value:
                    words |= _words(str(value))
    for code, _name in settings.LANGUAGES:
        words |= _words(get_language_info(code)["name_local"])
    return words


@pytest.fixture
def world():
    mine = organisation_data("Röda Korset", "Egen")
    coordinator = make_user("cora", "coordinator")
    mine["organisation"].coordinators.add(coordinator)
    # A request matched by the engine (waves, reasons), one escalated, one from a new number.
    for km in (0.6, 1.4):
        volunteer_make(
            organisation=mine["organisation"], lat=CENTRE[0] + km / 111.195, lon=CENTRE[1]
        )
    helprequest_match(request=helprequest_make(resident=resident_make(name="Greta Holm")))
    escalated = helprequest_make(resident=resident_make(name="Ove Lind"), kind="transport")
    helprequest_match(request=escalated)
    # A text from a number nobody knows: a request with the operator's triage note.
    inbound_receive(payload={"MessageSid": "SMnew", "From": "+46701234599", "Body": "mat tack"})
    analyst = make_user("ana", ADMIN)
    return {
        "data": mine,
        "users": {
            "operator": make_user("opal", "operator"),
            "coordinator": coordinator,
            "analyst": analyst,
        },
    }


def pages(world, role: str, language: str) -> dict[str, str]:
    user = world["users"][role]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if role == "analyst":
        second_factor_verified(client, user)
    else:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    shown = {}
    for route in routes():
        if route.is_signed_webhook or route.is_public or route.name.endswith("_delete"):
            continue
        # A request's pages for every request: each holds other timeline entries.
        each = HelpRequest.objects.all() if route.name.startswith("request_") else [None]
        for request in each:
            data = world["data"] if request is None else {**world["data"], "request": request}
            url = fill(route, data)
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue  # not this role's page, or not a page
            shown[url] = response.content.decode()
    return shown


@pytest.mark.parametrize("role", ["operator", "coordinator", "analyst"])
def test_every_swedish_page_is_swedish_and_every_english_page_english(world, role):
    english, swedish = vocabularies()
    allowed = typed_words()
    only_english = english - swedish - allowed
    only_swedish = swedish - english - allowed
    # The method itself: a sentence written in code in English is found, a Swedish one not.
    assert visible_words("<p>Referral routed to Alby: takes any sensitive case</p>") & only_english
    assert not visible_words("<p>Hänvisning skickad till Alby</p>") & only_english
    findings = []
    swedish_pages = pages(world, role, "sv")
    assert len(swedish_pages) >= 3, swedish_pages.keys()
    for url, html in swedish_pages.items():
        found = visible_words(html) & only_english
        if found:
            findings.append(f"sv {url}: {sorted(found)}")
    for url, html in pages(world, role, "en").items():
        found = visible_words(html) & only_swedish
        if found:
            findings.append(f"en {url}: {sorted(found)}")
    assert not findings, "\n".join(findings)
