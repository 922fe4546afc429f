"""Every language pack is complete: a pack that forgets a word fails here, not on a
resident's phone (a missing cancel word once raised on every confirmation)."""

import gettext
import io
import re
from dataclasses import fields

import pytest

import languages
from helpdesk.languages import language_guess
from helpdesk.resident_reading import cancel_read, kinds_read
from helpdesk.safety import Concern
from helpdesk.volunteer_replies import reply_parse
from matching.kinds import kinds_read as kinds_read_from_texts
from notifications.keywords import CARRIER_WORDS, keyword_parse

from .made_up import CATALOGUE, XX, mo_bytes

PACKS = [*languages.packs(), XX]
ids = [p.code for p in PACKS]


@pytest.mark.parametrize("pack", PACKS, ids=ids)
def test_every_field_is_filled(pack):
    for field in fields(pack):
        if field.name in languages.OPTIONAL_FIELDS or field.name == "hints":
            continue
        assert getattr(pack, field.name), f"{pack.code}: {field.name} is empty"
    assert pack.hints or pack.script, f"{pack.code}: nothing to guess the language by"


@pytest.mark.parametrize("pack", PACKS, ids=ids)
def test_every_kind_read_from_a_text_has_need_phrases(pack):
    for kind in kinds_read_from_texts():
        assert pack.need_phrases.get(kind), f"{pack.code}: no need phrases for {kind}"


@pytest.mark.parametrize("pack", languages.packs(), ids=languages.codes())
def test_each_need_phrase_reads_as_its_kind(pack):
    for kind, phrases in pack.need_phrases.items():
        for phrase in phrases:
            assert kind in kinds_read(phrase.rstrip("*")), (pack.code, phrase)


@pytest.mark.parametrize("pack", languages.packs(), ids=languages.codes())
def test_the_cancel_word_shown_is_read_and_is_not_a_carrier_word(pack):
    assert cancel_read(f"{pack.cancel_word} 4821") == (True, "4821")
    assert pack.cancel_word.casefold() not in {w for ws in CARRIER_WORDS.values() for w in ws}
    assert keyword_parse(pack.cancel_word) is None


@pytest.mark.parametrize("pack", languages.packs(), ids=languages.codes())
def test_reply_words_are_read_and_never_keywords(pack):
    for action, words in [
        ("accept", pack.accept_words),
        ("decline", pack.decline_words),
        ("done", pack.done_words),
        ("pause", pack.pause_words),
    ]:
        for word in words:
            assert reply_parse(f"{word} 4821").action == action, (pack.code, word)
            assert keyword_parse(word) is None, (pack.code, word)
    for word in pack.resume_words:
        assert reply_parse(word).action == "resume", (pack.code, word)


def test_no_word_means_two_actions_across_packs():
    meaning: dict[str, str] = {}
    for pack in languages.packs():
        for action in ("accept", "decline", "done", "pause", "resume"):
            for word in getattr(pack, f"{action}_words"):
                assert meaning.setdefault(word.casefold(), action) == action, (pack.code, word)


@pytest.mark.parametrize("pack", languages.packs(), ids=languages.codes())
def test_keywords_are_read_in_their_language(pack):
    for kind, words in [
        ("stop", pack.opt_out_words),
        ("start", pack.opt_in_words),
        ("help", pack.help_words),
    ]:
        for word in words:
            parsed = keyword_parse(word.upper())
            assert parsed is not None and parsed[0] == kind, (pack.code, word)
            assert parsed[2] in (pack.code, ""), (pack.code, word)


@pytest.mark.parametrize("pack", PACKS, ids=ids)
def test_danger_words_and_voice_are_well_formed(pack):
    for key, patterns in pack.danger.items():
        Concern(key.rstrip("?"))
        for entry in patterns:
            for pattern in entry if isinstance(entry, tuple) else (entry,):
                re.compile(pattern)
    for pattern in (*pack.danger_youth, *pack.clock_patterns):
        re.compile(pattern)
    assert "{key}" in pack.voice_menu
    assert pack.voice_menu.format(key=1) != pack.voice_menu


@pytest.mark.parametrize("pack", languages.packs(), ids=languages.codes())
def test_the_pack_guesses_its_own_language(pack):
    sample = pack.hints or " ".join(pack.need_phrases["groceries"])
    assert language_guess(sample) == pack.code


def test_a_pack_registered_at_run_time_is_read_and_can_leave():
    before = languages.registry_version()
    languages.pack_register(XX)
    try:
        assert languages.pack("xx") is XX and "xx" in languages.codes()
        assert ("xx", "zorblish") in languages.language_choices()
        assert keyword_parse("BLOKKO") == ("stop", "blokko", "xx")
        assert reply_parse("yip 4821").action == "accept"
    finally:
        languages.pack_unregister("xx")
    assert "xx" not in languages.codes() and languages.registry_version() > before
    assert keyword_parse("BLOKKO") is None
    with pytest.raises(KeyError):
        languages.pack("xx")


def test_a_pack_is_frozen():
    with pytest.raises(AttributeError):
        XX.cancel_word = "STOP"
    with pytest.raises(TypeError):
        XX.need_phrases["groceries"] = ()


def test_the_catalogue_compiles_without_msgfmt_too():
    catalogue = gettext.GNUTranslations(io.BytesIO(mo_bytes(CATALOGUE)))
    assert catalogue.gettext("today or tomorrow") == "todayo"
    assert catalogue.pgettext("resident sms", "shopping") == "groshkas"


def test_a_language_field_holds_a_pack_code_and_its_form_offers_the_packs():
    from django.core.exceptions import ValidationError

    from helpdesk.models import Resident

    field = Resident._meta.get_field("language")
    assert field.clean("sv", None) == "sv"
    with pytest.raises(ValidationError):
        field.clean("zz", None)
    languages.pack_register(XX)
    try:
        assert ("xx", "zorblish") in list(field.formfield().choices)
        assert field.clean("xx", None) == "xx"
    finally:
        languages.pack_unregister("xx")
