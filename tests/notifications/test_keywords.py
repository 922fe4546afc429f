"""STOP / START / HELP, Twilio's words and local ones, through the real inbound path."""

import pytest

from notifications.bodies import sms_assert_fits
from notifications.keywords import KEYWORDS, keyword_parse, opted_in_text
from notifications.models import Message, OptOut
from notifications.services import sms_send
from notifications.signals import opt_out_changed
from tests.factories import mobile

from .conftest import inbound_params, signed_post


def text_in(client, run_tasks, phone, body):
    signed_post(client, "/sms/inbound/", inbound_params(phone, body))
    run_tasks()


def replies(phone):
    return list(Message.objects.filter(phone=phone, direction="out").order_by("pk"))


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("STOP", "stop"),
        (" stop! ", "stop"),
        ("Unsubscribe", "stop"),
        ("SLUTA", "stop"),
        ("Lopeta", "stop"),
        ("DUR", "stop"),
        ("توقف", "stop"),
        ("START", "start"),
        ("unstop", "start"),
        ("YES", "start"),
        ("Starta", "start"),
        ("başla", "start"),
        ("HELP", "help"),
        ("info", "help"),
        ("HJÄLP", "help"),
        ("yardım", "help"),
        ("مساعدة", "help"),
    ],
)
def test_keywords_are_recognised(body, kind):
    assert keyword_parse(body)[0] == kind


@pytest.mark.parametrize(
    "body",
    [
        "1 4821",
        "JA",
        "NEJ",
        "KLAR",
        "EVET",
        "HAYIR",
        "KYLLÄ",
        "EI",
        "نعم",
        "لا",
        "PAUS",
        "PAUSE",
        "stop it",
        "please help me",
        "",
        "2",
    ],
)
def test_reply_protocol_words_are_never_keywords(body):
    assert keyword_parse(body) is None


def test_no_keyword_collides_with_the_reply_protocol():
    protocol = {"ja", "nej", "klar", "evet", "hayır", "kyllä", "ei", "نعم", "لا", "paus", "pause"}
    assert not protocol & set(KEYWORDS)
    assert not any(word.isdigit() for word in KEYWORDS)


@pytest.mark.django_db
def test_stop_opts_out_says_nothing_and_tells_other_apps(client, run_tasks, sms_outbox):
    phone = mobile()
    seen = []

    def receiver(sender, phone, opted_out, **kwargs):
        seen.append((phone, opted_out))

    opt_out_changed.connect(receiver)
    try:
        text_in(client, run_tasks, phone, "SLUTA")
    finally:
        opt_out_changed.disconnect(receiver)
    assert OptOut.objects.get(phone=phone).opted_out
    assert seen == [(phone, True)]
    assert replies(phone) == [] and sms_outbox == []
    assert sms_send(to=phone, body="offer").status == "refused"


@pytest.mark.django_db
def test_start_opts_back_in_and_confirms_in_the_words_language(client, run_tasks):
    phone = mobile()
    text_in(client, run_tasks, phone, "STOP")
    text_in(client, run_tasks, phone, "BAŞLA")
    assert not OptOut.objects.get(phone=phone).opted_out
    (reply,) = replies(phone)
    assert reply.language == "tr" and "mesajlarımızı" in reply.body
    assert reply.status == "sent"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("word", "language", "snippet"),
    [
        ("HJÄLP", "sv", "ringer dig"),
        ("apua", "fi", "soitetaan"),
        ("YARDIM", "tr", "arayacak"),
        ("مساعدة", "ar", "سيتصل"),
    ],
)
def test_help_from_a_resident_is_a_call_back_in_the_senders_language(
    client, run_tasks, word, language, snippet
):
    """Not the volunteers' usage text: who asks decides (tests/residents/test_help_word.py)."""
    phone = mobile()
    text_in(client, run_tasks, phone, word)
    (reply,) = replies(phone)
    assert snippet in reply.body
    sms_assert_fits(reply.body, 2)


@pytest.mark.django_db
def test_english_help_uses_the_language_we_last_wrote_in(client, run_tasks):
    phone = mobile()
    sms_send(to=phone, body="Merhaba", language="tr")
    run_tasks()
    text_in(client, run_tasks, phone, "HELP")
    assert "arayacak" in replies(phone)[-1].body


@pytest.mark.django_db
def test_help_changes_no_opt_out_state(client, run_tasks):
    phone = mobile()
    text_in(client, run_tasks, phone, "STOP")
    text_in(client, run_tasks, phone, "HELP")
    assert OptOut.objects.get(phone=phone).opted_out


@pytest.mark.parametrize("language", ["sv", "en", "ar", "tr", "fi"])
def test_keyword_replies_fit_two_segments_in_every_language(language):
    from django.utils import translation

    with translation.override("en"):
        english = (opted_in_text(),)
    with translation.override(language):
        texts = (opted_in_text(),)
    for text in texts:
        sms_assert_fits(text, 2)
    assert (texts == english) == (language == "en")
