import pytest

from helpdesk.languages import RESIDENT_LANGUAGES
from helpdesk.models import Callback, HelpRequest, Resident, TimelineEvent
from helpdesk.resident_texts import text_referral, text_referral_followup
from helpdesk.safety import HELPLINES, Concern, danger_read, referral_organisation
from helpdesk.services import helprequest_transition
from matching.models import Offer
from notifications.models import Message
from tests.factories import (
    district_make,
    helprequest_make,
    mobile,
    organisation_make,
    resident_make,
    volunteer_make,
)

pytestmark = pytest.mark.django_db
S = HelpRequest.Status

DANGER = [
    ("sv", "Min man slår mig"),
    ("sv", "han hotar mig, jag är rädd"),
    ("sv", "VALD hemma"),
    ("en", "my husband hits me"),
    ("en", "He threatens me"),
    ("en", "violence at home"),
    ("tr", "kocam beni dövüyor"),
    ("tr", "siddet var"),
    ("tr", "tehdit ediyor"),
    ("fi", "mieheni lyö minua"),
    ("fi", "väkivaltaa kotona"),
    ("fi", "hän uhkaa minua"),
    ("ar", "زوجي يضربني"),
    ("ar", "عنف في البيت"),
    ("ar", "يهددني"),
    # Elif Şahin: "my husband hits me, I'm afraid to go home". "vuruyor", not "dövüyor".
    ("tr", "Kocam bana vuruyor, eve gitmeye korkuyorum"),
]


def referral_of(resident) -> HelpRequest:
    return resident.requests.get(kind=HelpRequest.Kind.REFERRAL)


@pytest.mark.parametrize("language, text", DANGER)
def test_danger_words_make_a_sensitive_referral_with_a_neutral_reply(sms_in, language, text):
    resident = resident_make(language=language)
    reply = sms_in(str(resident.phone), text)

    referral = referral_of(resident)
    assert referral.sensitive is True and referral.status == S.NEW
    assert referral.urgency == HelpRequest.Urgency.URGENT
    assert Callback.objects.filter(request=referral).exists()
    assert "112" in reply and "020-50 50 50" in reply
    # Nothing of what they wrote comes back to the phone.
    for word in text.split():
        if len(word) > 3:
            assert word not in reply


def test_young_writers_get_the_childrens_helpline(sms_in):
    resident = resident_make()
    reply = sms_in(str(resident.phone), "pappa slår mig när jag kommer från skolan")
    assert "116 111" in reply and "112" in reply
    assert "020-50 50 50" not in reply


def test_unknown_number_in_danger_gets_a_referral_in_its_language(sms_in):
    phone = mobile()
    reply = sms_in(phone, "kocam beni dövüyor")
    resident = Resident.objects.get(phone=phone)
    assert referral_of(resident).language == "tr"
    assert "112" in reply


def test_the_referral_goes_to_an_organisation_that_takes_sensitive_cases(sms_in):
    district = district_make()
    organisation_make(name="Idrottsklubben")
    elsewhere = organisation_make(name="Annan jour", takes_sensitive_cases=True)
    local = organisation_make(name="Kvinnojouren Huddinge", takes_sensitive_cases=True)
    local.districts.add(district)
    resident = resident_make(district=district)

    sms_in(str(resident.phone), "han slår mig")
    referral = referral_of(resident)
    note = referral.timeline.get(kind=TimelineEvent.Kind.NOTE, data__referral=True)
    assert note.data["organisation_id"] == local.pk
    assert "Kvinnojouren Huddinge" in note.text
    assert elsewhere.pk != local.pk
    assert referral.routed_to == local


def test_a_referral_with_no_sensitive_organisation_stays_with_the_support_line(sms_in):
    organisation_make()
    resident = resident_make()
    sms_in(str(resident.phone), "violence")
    note = referral_of(resident).timeline.get(data__referral=True)
    assert note.data["organisation_id"] is None
    assert referral_of(resident).routed_to is None


def test_referral_prefers_an_organisation_speaking_the_language():
    organisation_make(name="A jour", takes_sensitive_cases=True, languages={"sv"})
    arabic = organisation_make(name="B jour", takes_sensitive_cases=True, languages={"sv", "ar"})
    referral = helprequest_make(kind=HelpRequest.Kind.REFERRAL, language="ar")
    assert referral_organisation(referral) == arabic


def test_no_volunteer_offer_is_ever_created_for_a_referral(sms_in, run_tasks):
    volunteer_make(skills={"groceries", "callback", "phone_friend"})
    resident = resident_make()
    sms_in(str(resident.phone), "handla mat, men han slår mig")
    sms_in(str(resident.phone), "snälla hjälp")
    run_tasks()
    referral = referral_of(resident)
    assert resident.requests.count() == 1
    assert not Offer.objects.exists()
    assert referral.assigned_volunteer is None
    # No matching was started for it either.
    assert not referral.timeline.filter(text__icontains="matching").exists()


def test_danger_while_another_request_is_open_makes_that_request_the_referral(sms_in):
    """It never stays with volunteers (more in test_danger_joining.py)."""
    resident = resident_make()
    groceries = helprequest_make(resident=resident, task_text="Handla mat")
    sms_in(str(resident.phone), "han slår mig")
    assert referral_of(resident) == groceries
    assert groceries.timeline.filter(kind=TimelineEvent.Kind.SMS_IN, data__danger=True).exists()


def test_replies_on_a_referral_are_kept_as_the_safe_callback_note(sms_in):
    resident = resident_make()
    sms_in(str(resident.phone), "han slår mig")
    reply = sms_in(str(resident.phone), "Efter kl 10 när han har gått. Lämna inget meddelande.")
    referral = referral_of(resident)
    assert referral.safe_callback_note == "Efter kl 10 när han har gått. Lämna inget meddelande."
    assert "10" not in reply and "meddelande" in reply.lower()


def test_cancel_by_sms_does_not_close_a_referral(sms_in):
    resident = resident_make()
    sms_in(str(resident.phone), "han slår mig")
    referral = referral_of(resident)
    sms_in(str(resident.phone), f"AVBRYT {referral.code}")
    referral.refresh_from_db()
    assert referral.status == S.NEW
    assert referral.timeline.filter(data__msg="sms_cancel_asked").exists()


def test_nothing_is_texted_about_a_referral_when_it_closes():
    referral = helprequest_make(kind=HelpRequest.Kind.REFERRAL)
    helprequest_transition(request=referral, to=S.DONE)
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


def test_a_referral_is_never_rated_by_sms(sms_in):
    resident = resident_make()
    referral = helprequest_make(resident=resident, kind=HelpRequest.Kind.REFERRAL)
    helprequest_transition(request=referral, to=S.DONE)
    sms_in(str(resident.phone), "5")
    referral.refresh_from_db()
    assert referral.rating is None


@pytest.mark.parametrize("text", ["Jag valde mat", "loistava päivä", "hit the shops", "ara"])
def test_ordinary_words_that_look_alike_are_not_danger(sms_in, text):
    resident = resident_make()
    sms_in(str(resident.phone), text)
    assert not resident.requests.filter(sensitive=True).exists()


def test_a_referral_by_sms_reaches_the_shelters_board_with_its_note(sms_in, client):
    from django.urls import reverse

    from helpdesk.board import board_snapshot
    from tests.conftest import make_user

    shelter_user = make_user("siv", "coordinator")
    other_user = make_user("otto", "coordinator")
    organisation_make(takes_sensitive_cases=True, coordinators=[shelter_user])
    other = organisation_make(coordinators=[other_user])
    volunteer_make(organisation=other, skills={"groceries", "callback", "phone_friend"})
    resident = resident_make()
    sms_in(str(resident.phone), "han slår mig")
    sms_in(str(resident.phone), "Ring efter kl 10. Lämna inget meddelande.")
    referral = referral_of(resident)

    assert [c["code"] for c in board_snapshot(shelter_user)] == [referral.code]
    assert board_snapshot(other_user) == []
    client.force_login(shelter_user)
    page = client.get(reverse("request_detail", args=[referral.pk])).content.decode()
    assert "Ring efter kl 10. Lämna inget meddelande." in page
    assert str(resident.phone) in page
    assert not Offer.objects.exists()


def test_the_turkish_husband_who_hits_is_a_referral_in_turkish_naming_kvinnofridslinjen(sms_in):
    resident = resident_make(language="tr", name="Elif Şahin")
    reply = sms_in(str(resident.phone), "Kocam bana vuruyor, eve gitmeye korkuyorum")
    referral = referral_of(resident)
    assert referral.urgency == HelpRequest.Urgency.URGENT
    assert "112" in reply and "Kvinnofridslinjen 020-50 50 50" in reply
    assert "Acil durumda" in reply
    assert "vuruyor" not in reply and "Kocam" not in reply


# One text per concern and language, as a resident would send it.
BY_CONCERN = {
    Concern.VIOLENCE: {
        "sv": "min man slår mej",
        "en": "my husband beats me",
        "ar": "زوجي بيضربني",
        "tr": "kocam beni dovuyo",
        "fi": "mieheni lyö minua",
    },
    Concern.SEXUAL: {
        "sv": "han våldtog mig",
        "en": "he raped me",
        "ar": "اغتصبني",
        "tr": "bana tecavüz etti",
        "fi": "hän raiskasi minut",
    },
    Concern.ELDER_ABUSE: {
        "sv": "min son låser in mig",
        "en": "my son locks me in",
        "ar": "ابني يحبسني في البيت",
        "tr": "oğlum beni eve kilitliyor",
        "fi": "poikani lukitsee minut asuntoon",
    },
    Concern.YOUTH: {
        "sv": "pappa slår mig",
        "en": "my dad hits me",
        "ar": "ابوي يضربني",
        "tr": "babam beni dövüyor",
        "fi": "isä lyö minua",
    },
    Concern.SELF_HARM: {
        "sv": "jag vill inte leva längre",
        "en": "i want to kill myself",
        "ar": "اريد ان انتحر",
        "tr": "intihar etmek istiyorum",
        "fi": "haluan tappaa itseni",
    },
}


def test_every_concern_has_a_text_in_every_language_and_a_helpline():
    assert set(BY_CONCERN) == set(Concern) == set(HELPLINES)
    for texts in BY_CONCERN.values():
        assert set(texts) == set(RESIDENT_LANGUAGES)


@pytest.mark.parametrize("concern", list(Concern))
@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_the_reply_names_112_and_the_line_for_the_concern_in_the_senders_language(
    sms_in, concern, language
):
    text = BY_CONCERN[concern][language]
    assert danger_read(text).concern == concern
    resident = resident_make(language=language)
    reply = sms_in(str(resident.phone), text)

    referral = referral_of(resident)
    name, number = HELPLINES[concern]
    assert "112" in reply and f"{name} {number}" in reply
    for other_number in {number for _, number in HELPLINES.values()} - {number}:
        assert other_number not in reply
    assert reply == text_referral(referral, concern=concern)
    english = text_referral(HelpRequest(code=referral.code, language="en"), concern=concern)
    assert (reply == english) == (language == "en")
    for word in text.split():
        if len(word) > 3:
            assert word not in reply
    note = referral.timeline.get(data__referral=True)
    assert note.data["concern"] == concern


@pytest.mark.parametrize(
    "text", ["jag är rädd hemma", "he takes my pension", "I can't go on", "evde korkuyorum"]
)
def test_ambiguous_texts_need_an_operator_but_are_not_certain(text):
    danger = danger_read(text)
    assert danger is not None and danger.certain is False


def test_folding_drops_every_format_character_inside_a_word():
    """Phones and keyboards put soft hyphens, joiners and direction marks inside words; every
    character of Unicode category Cf must vanish, or "hot\u00adar" is no longer "hotar"."""
    import sys
    import unicodedata

    from helpdesk.languages import text_fold

    format_characters = [
        chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
    ]
    assert "\u00ad" in format_characters and len(format_characters) > 100
    kept = [hex(ord(c)) for c in format_characters if text_fold(f"hot{c}ar") != "hotar"]
    assert kept == []
    assert danger_read("han hot\u00adar att döda mig").certain


# One danger text per language, each of which was once answered in another language.
WRITTEN_IN = {
    "sv": "ja e rädd han slog mej igen",
    "en": "HE WILL KILL ME",
    "ar": "زوجي يضربني",
    "tr": "kocm bni dovyr yrdm edn",
    "fi": "mieheni lyö minua",
}


def test_every_language_has_a_text_for_the_reply_language():
    assert set(WRITTEN_IN) == set(RESIDENT_LANGUAGES)


@pytest.mark.parametrize("concern", list(Concern))
@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_danger_carries_the_language_whose_words_matched(concern, language):
    assert danger_read(BY_CONCERN[concern][language]).language == language
    assert danger_read(WRITTEN_IN[language]).language == language


def referral_reply_in(language: str, referral: HelpRequest, concern: Concern) -> str:
    return text_referral(HelpRequest(code=referral.code, language=language), concern=concern)


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_a_new_number_in_danger_is_answered_and_kept_in_the_language_it_wrote(sms_in, language):
    phone = mobile()
    reply = sms_in(phone, WRITTEN_IN[language])
    resident = Resident.objects.get(phone=phone)
    referral = referral_of(resident)
    assert resident.language == language
    assert referral.language == language
    assert reply == referral_reply_in(language, referral, Concern.VIOLENCE)


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_a_known_resident_in_danger_is_answered_in_the_language_they_wrote(sms_in, language):
    stored = "tr" if language != "tr" else "sv"
    resident = resident_make(language=stored)
    reply = sms_in(str(resident.phone), WRITTEN_IN[language])
    referral = referral_of(resident)
    assert reply == referral_reply_in(language, referral, Concern.VIOLENCE)
    assert referral.language == language
    resident.refresh_from_db()
    assert resident.language == stored


def test_danger_joining_an_open_request_is_answered_in_the_language_written(sms_in):
    resident = resident_make(language="sv")
    groceries = helprequest_make(resident=resident, task_text="Handla mat", language="sv")
    reply = sms_in(str(resident.phone), "my husband hits me")
    referral = referral_of(resident)
    assert referral == groceries and referral.language == "en"
    assert reply == referral_reply_in("en", referral, Concern.VIOLENCE)
    # A later text on the open referral is thanked in the language of that text.
    followup = sms_in(str(resident.phone), "mieheni lyö minua taas")
    assert followup == text_referral_followup(HelpRequest(language="fi"))


def test_an_idiom_of_killing_is_not_self_harm_but_saying_it_of_oneself_is():
    assert danger_read("Det här vädret tar livet av mig, behöver hjälp att skotta snö") is None
    for text in ["jag vill ta livet av mig", "tänker ta mitt liv", "jag tar livet av mig"]:
        danger = danger_read(text)
        assert danger.certain and danger.concern == Concern.SELF_HARM, text
