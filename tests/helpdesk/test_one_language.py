"""One language per screen: what matching and the SMS side write is rendered in the reader's
language, numbers in its format; an SMS is in the recipient's language and its numbers too."""

import pytest
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import override

from helpdesk.models import TimelineEvent
from helpdesk.offers import helprequest_match
from matching.models import Offer
from notifications.models import Message
from tests.conftest import make_user
from tests.factories import CENTRE, helprequest_make, volunteer_make

pytestmark = pytest.mark.django_db

KM_LAT = 1 / 111.195


@pytest.fixture
def offered():
    for km, language in ((1.4, "sv"), (1.6, "en")):
        volunteer_make(lat=CENTRE[0] + km * KM_LAT, lon=CENTRE[1], language=language)
    request = helprequest_make()
    helprequest_match(request=request)
    return request


def test_an_offer_sms_writes_the_distance_in_the_volunteers_language(offered):
    bodies = {
        offer.volunteer.language: Message.objects.get(phone=str(offer.volunteer.phone)).body
        for offer in Offer.objects.filter(request=offered).select_related("volunteer")
    }
    assert "1,4 km" in bodies["sv"], bodies["sv"]
    assert "1.6 km" in bodies["en"], bodies["en"]


def test_the_timeline_is_in_the_viewers_language(client, offered):
    client.force_login(make_user("op", "operator"))
    swedish = client.get(f"/requests/{offered.pk}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/requests/{offered.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    timeline = lambda page: page[page.index('id="timeline"') :]  # noqa: E731
    assert "→ Erbjuden" in timeline(swedish) and "→ offered" not in timeline(swedish)
    assert "Våg 1" in timeline(swedish) and "1,4 km" in timeline(swedish)
    assert "system" not in timeline(swedish).replace("systemet", "")
    assert "→ Offered" in timeline(english) and "Wave 1" in timeline(english)
    assert "1.4 km" in timeline(english) and "Våg 1" not in timeline(english)
    # Dates in the locale's words: "1 december 14:30", "1 December 14:30".
    with override("sv"):
        assert f" {date_format(localtime(), 'F')} " in timeline(swedish)
    with override("en"):
        assert f" {date_format(localtime(), 'F')} " in timeline(english)


def test_an_escalation_reason_renders_in_each_language():
    request = helprequest_make()
    assert helprequest_match(request=request) == "escalated"
    event = request.timeline.get(to_status="escalated")
    from helpdesk.timeline_texts import timeline_text

    assert event.data["msg"] == "nobody_within"
    with override("sv"):
        assert "Ingen" in timeline_text(event) and "5 km" in timeline_text(event)
    with override("en"):
        assert timeline_text(event).startswith("No available volunteer within 5 km")


def test_an_old_row_keeps_its_stored_text():
    request = helprequest_make()
    event = TimelineEvent.objects.create(request=request, kind="note", text="Gammal anteckning")
    from helpdesk.timeline_texts import timeline_text

    with override("en"):
        assert timeline_text(event) == "Gammal anteckning"


def test_the_board_labels_cards_in_the_viewers_language(client):
    """A live event's card is labelled in the language of whoever caused it (the worker
    writes Swedish); the page gives the board its labels in the viewer's language."""
    import json
    import re

    client.force_login(make_user("op", "operator"))
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    labels = json.loads(re.search(r'id="card-labels"[^>]*>(.*?)</script>', page, re.S)[1])
    assert labels["kind"]["groceries"] == "Groceries"
    client.cookies["django_language"] = "sv"
    page = client.get("/").content.decode()
    labels = json.loads(re.search(r'id="card-labels"[^>]*>(.*?)</script>', page, re.S)[1])
    assert labels["kind"]["groceries"] == "Matinköp"


def test_a_rescheduled_callback_says_when_in_the_readers_words():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from helpdesk.services import timeline_record
    from helpdesk.timeline_texts import timeline_text

    when = datetime(2031, 12, 1, 14, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    event = timeline_record(
        request=helprequest_make(),
        kind=TimelineEvent.Kind.CALLBACK,
        msg="callback_rescheduled",
        args={"when": when.isoformat(), "outcome": "Ej hemma"},
    )
    with override("sv"):
        assert timeline_text(event) == "Flyttad till 1 december 14:30. Ej hemma"
    with override("en"):
        assert timeline_text(event) == "Rescheduled to 1 December 14:30. Ej hemma"
