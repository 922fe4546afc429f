"""The proof that a language is one pack plus its catalogue: Zorblish ("xx") is registered at
run time, its catalogue written and compiled into a temporary folder, and with no other file
changed a resident and a volunteer are served in it by SMS and by voice."""

import xml.etree.ElementTree as ET

import pytest

from helpdesk.models import Callback, HelpRequest, Resident
from languages import pack_register, pack_unregister
from matching.models import Offer
from notifications.models import Message, OptOut
from notifications.webhooks import public_url, twilio_signature
from tests.factories import landline, mobile, resident_make, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post

from .made_up import XX, catalogue_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def zorblish(settings, tmp_path):
    """Register the pack and put its catalogue first on LOCALE_PATHS; changing the setting
    makes Django drop its cached translations (django.test.signals.language_changed)."""
    catalogue_write(tmp_path)
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    pack_register(XX)
    yield XX
    pack_unregister(XX.code)


def text_in(client, run_tasks, phone: str, body: str) -> list[Message]:
    """A signed inbound SMS, the worker run; the messages that went out to `phone`."""
    before = set(Message.objects.filter(direction="out").values_list("pk", flat=True))
    assert signed_post(client, "/sms/inbound/", inbound_params(phone, body)).status_code == 200
    run_tasks()
    return list(
        Message.objects.filter(direction="out", phone=phone).exclude(pk__in=before).order_by("pk")
    )


def test_a_text_from_an_unknown_number_is_read_as_zorblish_and_answered_in_it(client, run_tasks):
    phone = mobile()
    (reply,) = text_in(client, run_tasks, phone, "zorb quonk, groshka flimp")
    resident = Resident.objects.get(phone=phone)
    request = resident.requests.get()
    assert resident.language == "xx" and request.language == "xx"
    assert request.kind == HelpRequest.Kind.GROCERIES
    assert reply.body == f"Zankoo! Numbo {request.code}. Telefuzz soono."


def test_a_need_in_zorblish_is_matched_offered_in_zorblish_and_accepted_with_its_word(
    client, run_tasks
):
    resident = resident_make(language="xx")
    volunteer = volunteer_make(language="xx", languages={"xx", "sv"})

    (reply,) = text_in(client, run_tasks, str(resident.phone), "groshka plizzo")
    request = resident.requests.get()
    assert request.kind == HelpRequest.Kind.GROCERIES
    assert reply.body.startswith(f"Zankoo! Numbo {request.code} (groshkas) gotto.")
    # The cancel word shown is the pack's, and it is the one read back.
    assert f"Nix it: NIXO {request.code}." in reply.body

    offer = Offer.objects.get(request=request, volunteer=volunteer)
    sent = Message.objects.filter(direction="out", phone=str(volunteer.phone)).latest("pk")
    assert sent.body.startswith(f"Samhjälp #{offer.code}: Groshkas,")
    assert "kilozorbs, todayo." in sent.body
    assert f"Yip {offer.code} or nup {offer.code}" in sent.body

    text_in(client, run_tasks, str(volunteer.phone), "YIP")
    offer.refresh_from_db()
    request.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert request.status == HelpRequest.Status.ASSIGNED


def test_the_cancel_word_cancels(client, run_tasks):
    resident = resident_make(language="xx")
    text_in(client, run_tasks, str(resident.phone), "groshka plizzo")
    request = resident.requests.get()
    text_in(client, run_tasks, str(resident.phone), f"nixo {request.code}")
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.CANCELLED


def test_its_opt_out_and_opt_in_words_work(client, run_tasks):
    phone = mobile()
    assert text_in(client, run_tasks, phone, "Blokko!") == []
    assert OptOut.objects.get(phone=phone).opted_out
    (reply,) = text_in(client, run_tasks, phone, "UNBLOKKO")
    assert not OptOut.objects.get(phone=phone).opted_out
    assert reply.language == "xx"
    assert reply.body == "Samhjälp: messagos agen. BLOKKO to stoppo."


def test_a_danger_phrase_in_zorblish_goes_to_operators_with_a_referral_in_zorblish(
    client, run_tasks
):
    resident = resident_make(language="sv")
    (reply,) = text_in(client, run_tasks, str(resident.phone), "hubbo krazhet mu")
    referral = resident.requests.get(kind=HelpRequest.Kind.REFERRAL)
    assert referral.sensitive and referral.operators_only
    assert referral.status == HelpRequest.Status.NEW
    assert Callback.objects.filter(request=referral).exists()
    assert referral.language == "xx"
    assert reply.body.startswith(f"Zankoo ({referral.code}). Danjo: 112.")
    assert "krazh" not in reply.body


def test_an_ambiguous_phrase_in_zorblish_goes_to_an_operator_not_a_volunteer(client, run_tasks):
    resident = resident_make(language="xx")
    volunteer_make(language="xx", languages={"xx"})
    text_in(client, run_tasks, str(resident.phone), "skaryo hum groshka")
    assert not Offer.objects.filter(request__resident=resident).exists()
    assert not resident.requests.filter(kind=HelpRequest.Kind.REFERRAL).exists()


def voice_post(client, url: str, **params) -> ET.Element:
    path = url[len(public_url("")) :]
    response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=twilio_signature(url, params))
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own TwiML)


def test_the_voice_menu_offers_zorblish_in_its_voice_and_speaks_its_prompts(client):
    call = {"From": landline(), "CallSid": "CAxx1"}
    root = voice_post(client, public_url("/voice/inbound/"), **call)
    says = root.find("Gather").findall("Say")
    (zorblish,) = [say for say in says if say.get("language") == "xx-ZB"]
    assert zorblish.get("voice") == "Polly.Zorbo"
    assert zorblish.text == "Zorblish, zap 6."

    root = voice_post(client, root.find("Gather").get("action"), Digits="6", **call)
    say = root.find("Gather").find("Say")
    assert (say.get("voice"), say.get("language")) == ("Polly.Zorbo", "xx-ZB")
    assert say.text == "Groshka zap 1. Pillix zap 2. Telefuzz zap 3."

    root = voice_post(client, root.find("Gather").get("action"), Digits="1", **call)
    request = Resident.objects.get(phone=call["From"]).requests.get()
    assert (request.language, request.kind) == ("xx", HelpRequest.Kind.GROCERIES)
    assert root.find("Say").get("voice") == "Polly.Zorbo"


def test_an_operator_reads_its_name_where_volunteers_languages_are_named():
    from matching.language_names import language_name

    assert language_name("xx") == XX.name
