import pytest

from helpdesk.offers import helprequest_match, offer_accept
from helpdesk.volunteer_replies import reply_parse, volunteer_reply
from matching.models import Offer
from notifications.inbound import inbound_dispatch
from notifications.models import Message
from tests.factories import CENTRE, helprequest_make, mobile, volunteer_make

pytestmark = pytest.mark.django_db

RESERVED = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "START", "YES", "UNSTOP"}


def inbound(phone, body) -> Message:
    return Message.objects.create(direction="in", phone=phone, body=body, status="received")


def reply(volunteer, body) -> str | None:
    return volunteer_reply(inbound(str(volunteer.phone), body))


@pytest.mark.parametrize(
    "body,action,code",
    [
        ("1 4821", "accept", "4821"),
        ("2 4821", "decline", "4821"),
        ("3 4821", "done", "4821"),
        ("  1-4821 ", "accept", "4821"),
        ("#4821 1", "accept", "4821"),
        ("14821", "accept", "4821"),
        ("١ ٤٨٢١", "accept", "4821"),
        ("JA", "accept", ""),
        ("ok 4821", "accept", "4821"),
        ("Evet", "accept", ""),
        ("KYLLÄ 4821", "accept", "4821"),
        ("نعم", "accept", ""),
        ("nej", "decline", ""),
        ("HAYIR", "decline", ""),
        ("hayır 4821", "decline", "4821"),
        ("EI", "decline", ""),
        ("لا ٤٨٢١", "decline", "4821"),
        ("KLAR", "done", ""),
        ("tamam", "done", ""),
        ("Valmis 4821", "done", "4821"),
        ("تم", "done", ""),
        ("PAUS", "pause", ""),
        ("fortsätt", "resume", ""),
        ("BAŞLA", "resume", ""),
        ("ابدأ", "resume", ""),
        ("yes", None, ""),
        ("what is this?", None, ""),
        ("", None, ""),
    ],
)
def test_reply_parse(body, action, code):
    parsed = reply_parse(body)
    assert (parsed.action, parsed.code) == (action, code)


def test_yes_is_never_an_accept_word():
    assert reply_parse("YES 4821").action is None


@pytest.fixture
def offered():
    volunteer = volunteer_make(lat=CENTRE[0], lon=CENTRE[1], language="en")
    request = helprequest_make()
    helprequest_match(request=request)
    return volunteer, request, request.offers.get(volunteer=volunteer)


def test_not_a_volunteer_is_not_mine():
    assert volunteer_reply(inbound(mobile(), "1 4821")) is None
    assert volunteer_reply(inbound("garbage", "1 4821")) is None


@pytest.mark.parametrize(
    "language,word", [("sv", "JA"), ("en", "OK"), ("ar", "نعم"), ("tr", "EVET"), ("fi", "KYLLÄ")]
)
def test_bare_accept_in_each_language_applies_to_the_one_offer(language, word):
    volunteer = volunteer_make(lat=CENTRE[0], lon=CENTRE[1], language=language)
    request = helprequest_make()
    helprequest_match(request=request)
    assert reply(volunteer, word) == ""
    assert request.offers.get(volunteer=volunteer).status == Offer.Status.ACCEPTED
    details = Message.objects.filter(phone=str(volunteer.phone)).latest("id")
    assert details.language == language
    assert request.resident.name in details.body


@pytest.mark.parametrize(
    "language,word", [("sv", "NEJ"), ("en", "NO"), ("ar", "لا"), ("tr", "HAYIR"), ("fi", "EI")]
)
def test_decline_with_code_in_each_language(language, word):
    volunteer = volunteer_make(lat=CENTRE[0], lon=CENTRE[1], language=language)
    request = helprequest_make()
    helprequest_match(request=request)
    answer = reply(volunteer, f"{word} {request.code}")
    assert request.code in answer
    assert not set(answer.upper().split()) & RESERVED
    assert request.offers.get(volunteer=volunteer).status == Offer.Status.DECLINED


def test_done_by_sms(offered):
    volunteer, request, offer = offered
    reply(volunteer, f"1 {request.code}")
    assert reply(volunteer, "3") == ""
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DONE
    assert "Thank you" in reply(volunteer, f"3 {request.code}")


def test_several_offers_ask_which(offered):
    volunteer, request, _ = offered
    second = helprequest_make()
    helprequest_match(request=second)
    answer = reply(volunteer, "OK")
    assert f"#{request.code}" in answer and f"#{second.code}" in answer
    assert not Offer.objects.filter(volunteer=volunteer, status="accepted").exists()
    assert reply(volunteer, f"1 {second.code}") == ""
    assert second.offers.get(volunteer=volunteer).status == Offer.Status.ACCEPTED


def test_unknown_code_and_unknown_text(offered):
    volunteer, request, _ = offered
    assert "9999" in reply(volunteer, "1 9999")
    help_text = reply(volunteer, "hello?")
    assert "1 4821" in help_text
    assert not set(help_text.upper().replace(",", " ").replace(".", " ").split()) & RESERVED


def test_no_open_offer(offered):
    volunteer, request, offer = offered
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.EXPIRED)
    assert "no open offer" in reply(volunteer, "OK")


def test_taken_and_late_replies_are_polite(offered):
    volunteer, request, offer = offered
    other = volunteer_make(lat=CENTRE[0], lon=CENTRE[1])
    rival = Offer.objects.create(
        request=request, volunteer=other, expires_at=offer.expires_at, wave=1
    )
    offer_accept(offer=rival)
    assert "already been taken" in reply(volunteer, f"1 {request.code}")


def test_duplicate_accept_resends_the_details(offered):
    volunteer, request, offer = offered
    assert reply(volunteer, f"1 {request.code}") == ""
    again = reply(volunteer, f"1 {request.code}")
    assert request.resident.name in again


def test_pause_and_resume(offered):
    volunteer, request, _ = offered
    assert "RESUME" in reply(volunteer, "PAUSE")
    volunteer.refresh_from_db()
    assert volunteer.paused
    assert "again" in reply(volunteer, "RESUME")
    volunteer.refresh_from_db()
    assert not volunteer.paused
    reply(volunteer, "paus")
    assert reply(volunteer, "START")  # START after the gateway's opt-in also resumes
    volunteer.refresh_from_db()
    assert not volunteer.paused
    assert reply(volunteer, "START") == ""  # nothing changed: say nothing more


def test_registered_first_in_dispatch(offered):
    volunteer, request, offer = offered
    assert inbound_dispatch(inbound(str(volunteer.phone), f"1 {request.code}")) == ""
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    message = Message.objects.filter(direction="in").latest("id")
    assert message.about_id == offer.pk
