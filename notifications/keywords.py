"""Opt-out, opt-in and help keywords, Twilio's and local ones.

A keyword counts only when it is the whole message (trimmed, any case), as Twilio matches
them. None of these words is part of the volunteer reply protocol (digits, JA/NEJ/KLAR,
EVET/HAYIR, KYLLÄ/EI, نعم/لا, PAUS/PAUSE), so an answer to an offer is never taken for STOP.
"""

import functools
import re
import unicodedata
from collections.abc import Mapping

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

import languages

from .bodies import sms_clean
from .models import Message
from .phones import phone_try_normalise
from .services import optout_set

STOP, START, HELP = "stop", "start", "help"

# Twilio's reserved words: the carrier's, in no language in particular ("" below).
CARRIER_WORDS = {
    STOP: ("stop", "stopall", "unsubscribe", "cancel", "end", "quit"),
    START: ("start", "unstop", "yes"),
    HELP: ("help", "info"),
}

# Twilio answers its own reserved words when Advanced Opt-Out is on; those answers are in
# English, which is why a local START word still gets our reply in the sender's language.
_TRIM = re.compile(r"^[\s\W_]+|[\s\W_]+$", re.UNICODE)
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0640]")  # short vowels and tatweel


def _word(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text or ""))
    return _ARABIC_MARKS.sub("", _TRIM.sub("", text)).casefold()


@functools.cache
def _table(version: int) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for language in languages.packs():
        for kind, words in (
            (STOP, language.opt_out_words),
            (START, language.opt_in_words),
            (HELP, language.help_words),
        ):
            table.update(dict.fromkeys(map(_word, words), (kind, language.code)))
    # The carrier's words win: Twilio answers them itself, in English.
    for kind, words in CARRIER_WORDS.items():
        table.update(dict.fromkeys(words, (kind, "")))
    return table


def keywords_table() -> dict[str, tuple[str, str]]:
    """word -> (kind, the language it tells us the sender speaks, or "" for the carrier's
    words), from every language pack registered."""
    return _table(languages.registry_version())


class _Keywords(Mapping):
    """keywords_table() as it is when read, for a module-level name that stays current."""

    def __getitem__(self, word: str) -> tuple[str, str]:
        return keywords_table()[word]

    def __iter__(self):
        return iter(keywords_table())

    def __len__(self) -> int:
        return len(keywords_table())


KEYWORDS: Mapping[str, tuple[str, str]] = _Keywords()


def keyword_parse(body: str) -> tuple[str, str, str] | None:
    """(kind, word, language) when the whole message is a keyword, else None."""
    word = _word(body)
    if not word or len(word) > 20:
        return None
    found = keywords_table().get(word)
    if found is None:
        return None
    kind, language = found
    return kind, word, language


def language_last_written(phone: str) -> str | None:
    """The language we last wrote to this number in, if one we write in."""
    last = (
        Message.objects.filter(phone=phone, direction=Message.Direction.OUTBOUND)
        .exclude(language="")
        .order_by("-created_at")
        .values_list("language", flat=True)
        .first()
    )
    return last if last in languages.codes() else None


def sender_language(message: Message, keyword_language: str = "") -> str:
    """The language to answer in: the keyword's own, else the language we last wrote to this
    number in, else the default."""
    return keyword_language or language_last_written(message.phone) or settings.LANGUAGE_CODE


def opted_in_text() -> str:
    return _("Samhjälp: you will get our messages again. Reply STOP to end them.")


def keyword_handle(message: Message) -> tuple[str | None, str]:
    """Apply a keyword: (reply text or None when the message is not ours to answer here, its
    language).

    STOP gets no reply from us: the number is opted out, so nothing more may go to it. HELP
    depends on who asks (a volunteer gets the reply protocol, a resident a call from the
    support line), which only the apps' inbound handlers know, so it is left to them; at the
    carrier, Twilio's own HELP answer still goes out.
    """
    parsed = keyword_parse(message.body)
    # A sender without a valid number cannot be opted out or answered.
    if parsed is None or phone_try_normalise(message.phone) != message.phone:
        return None, ""
    kind, word, keyword_language = parsed
    if kind == HELP:
        return None, ""
    if kind == STOP:
        optout_set(phone=message.phone, opted_out=True, keyword=word)
        return "", ""
    language = sender_language(message, keyword_language)
    optout_set(phone=message.phone, opted_out=False, keyword=word)
    with translation.override(language):
        return sms_clean(opted_in_text()), language
