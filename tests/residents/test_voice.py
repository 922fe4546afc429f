import re
import xml.etree.ElementTree as ET

import pytest

from helpdesk.models import Callback, HelpRequest, Resident, TimelineEvent
from notifications.webhooks import public_url, twilio_signature
from tests.factories import landline, resident_make

pytestmark = pytest.mark.django_db
K = HelpRequest.Kind


def post(client, url: str, **params):
    """POST as Twilio does: to the absolute URL it was given, signed over it and the form."""
    assert url.startswith(public_url("/"))
    path = url[len(public_url("")) :]
    return client.post(
        path,
        params,
        HTTP_X_TWILIO_SIGNATURE=twilio_signature(url, {k: str(v) for k, v in params.items()}),
    )


def twiml(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own TwiML)


def gather_action(root: ET.Element) -> str:
    return root.find("Gather").get("action")


def call(client, phone: str, sid: str = "CA1"):
    return dict(From=phone, CallSid=sid)


def test_the_menu_offers_five_languages_each_in_its_own_voice(client):
    root = twiml(post(client, public_url("/voice/inbound/"), **call(client, landline())))
    gather = root.find("Gather")
    assert gather.get("numDigits") == "1"
    languages = [say.get("language") for say in gather.findall("Say")]
    assert {"sv-SE", "en-GB", "arb", "tr-TR", "fi-FI"} <= set(languages)
    text = " ".join(say.text for say in gather.findall("Say"))
    for prompt in ["svenska, tryck 1", "English, press 2", "اضغط 3", "Türkçe için 4", "paina 5"]:
        assert prompt in text
    # Silence falls through to the next step rather than hanging up.
    assert root.find("Redirect").text == gather_action(root)


def walk(client, phone: str, *digits: str, sid: str = "CA1") -> ET.Element:
    root = twiml(post(client, public_url("/voice/inbound/"), **call(client, phone, sid)))
    for pressed in digits:
        url = gather_action(root) if root.find("Gather") is not None else None
        assert url, "the menu ended early"
        params = call(client, phone, sid)
        if pressed is not None:
            params["Digits"] = pressed
        root = twiml(post(client, url, **params))
    return root


@pytest.mark.parametrize(
    "language_key, language, need_key, kind, thanks",
    [
        ("1", "sv", "1", K.GROCERIES, "Tack"),
        ("2", "en", "2", K.PHARMACY, "Thank you"),
        ("3", "ar", "3", K.CALLBACK, "شكر"),
        ("4", "tr", "1", K.GROCERIES, "Teşekkür"),
        ("5", "fi", "2", K.PHARMACY, "Kiitos"),
    ],
)
def test_each_language_and_need_makes_a_voice_request_with_a_callback(
    client, language_key, language, need_key, kind, thanks
):
    phone = landline()
    root = walk(client, phone, language_key, need_key)
    resident = Resident.objects.get(phone=phone)
    request = resident.requests.get()
    assert (request.kind, request.language, request.channel) == (kind, language, "voice")
    assert request.status == HelpRequest.Status.NEW
    assert Callback.objects.filter(request=request).exists()
    says = root.findall("Say")
    assert (
        says[0].get("language")
        == {"sv": "sv-SE", "en": "en-GB", "ar": "arb", "tr": "tr-TR", "fi": "fi-FI"}[language]
    )
    assert thanks in says[0].text
    # The code is read digit by digit.
    assert " ".join(request.code) in says[0].text
    assert root.find("Hangup") is not None


def test_the_need_menu_is_spoken_in_the_chosen_language(client):
    root = walk(client, landline(), "5")
    say = root.find("Gather").find("Say")
    assert say.get("language") == "fi-FI"
    assert re.search(r"\b1\b.*\b2\b.*\b3\b", say.text)


@pytest.mark.parametrize("digits", [(None,), ("9",), ("*",), ("1", None), ("2", "7")])
def test_silence_or_a_wrong_key_still_ends_in_a_callback_request(client, digits):
    phone = landline()
    root = walk(client, phone, *digits)
    request = Resident.objects.get(phone=phone).requests.get()
    assert request.kind == K.CALLBACK
    assert Callback.objects.filter(request=request).exists()
    assert root.find("Hangup") is not None
    assert " ".join(request.code) in ET.tostring(root, encoding="unicode")


def test_a_known_resident_calling_gets_the_request_on_their_record(client):
    resident = resident_make(phone=landline(), language="tr")
    walk(client, str(resident.phone), "4", "2")
    assert resident.requests.get().kind == K.PHARMACY


def test_a_repeated_step_of_the_same_call_makes_one_request(client):
    phone = landline()
    walk(client, phone, "1", "1", sid="CAsame")
    walk(client, phone, "1", "1", sid="CAsame")
    assert HelpRequest.objects.count() == 1
    assert TimelineEvent.objects.filter(data__call_sid="CAsame").count() == 1


def test_a_hidden_number_is_told_how_to_reach_us(client):
    root = walk(client, "anonymous", "1", "1")
    assert not HelpRequest.objects.exists()
    assert "112" in ET.tostring(root, encoding="unicode")


def test_a_forged_or_missing_signature_is_refused(client):
    path = "/voice/inbound/"
    assert client.post(path, {"From": landline()}).status_code == 403
    forged = twilio_signature(public_url(path), {"From": "+4681234567"})
    response = client.post(path, {"From": landline()}, HTTP_X_TWILIO_SIGNATURE=forged)
    assert response.status_code == 403
    # The need step's language is part of what is signed.
    signed = twilio_signature(public_url("/voice/need/?lang=sv"), {"Digits": "1"})
    response = client.post("/voice/need/?lang=fi", {"Digits": "1"}, HTTP_X_TWILIO_SIGNATURE=signed)
    assert response.status_code == 403
    assert not HelpRequest.objects.exists()


def test_get_is_not_a_step(client):
    url = public_url("/voice/inbound/")
    response = client.get("/voice/inbound/", HTTP_X_TWILIO_SIGNATURE=twilio_signature(url, {}))
    assert response.status_code == 405
