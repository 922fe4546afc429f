"""What an inbound resident text is: one decision, from the text and the conversation so far.

The same words mean different things at different moments: "tack" after "done, how was it?"
is feedback, "5" is a rating only when there is something to rate, and anything from a
resident with an open referral goes to an operator first. `resident_text_read` is the only
place that decides; helpdesk.resident_sms derives the `Conversation` from the database and
acts on the answer. Nothing here touches the database.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import languages
from matching import kinds
from notifications.keywords import HELP, keyword_parse

from .languages import phrases_fold, text_fold, text_has_any
from .models import HelpRequest

# text_signals_danger: certain danger, a referral. text_needs_operator: danger certain or only
# possible; read after the first, so it decides the ambiguous texts (an operator triages).
from .safety import text_needs_operator, text_signals_danger

Kind = HelpRequest.Kind


@dataclass(frozen=True)
class PackWords:
    """The words of every language pack, folded once (per version of the registry)."""

    kinds: tuple[tuple[str, tuple[str, ...]], ...]
    cancel: tuple[str, ...]
    thanks: tuple[str, ...]  # thanks and praise, as residents write them after a visit
    # After "done, how was it?" a need is new only when it is asked for: one of `ask`, in a
    # clause without a negation (`not_asking`: "behöver inte", "don't need"). Not "hjälp"
    # or "help" alone: "tack för hjälp med handlingen" is thanks.
    ask: tuple[str, ...]
    # Help itself, asked for without naming a kind ("men kan ni hjälpa mig", "yardım
    # lazım"): an operator finds out what. Whole words: "hon hjälpte mig" is praise.
    help: tuple[str, ...]
    not_asking: tuple[str, ...]
    complaint: tuple[str, ...]
    # Where one thought ends and another begins, for reading a negation in its own clause.
    clause: re.Pattern
    # Answers to "when is a good time to call, and may we leave a message?" that say it
    # alone; and words of calling, which with a time of day make an answer.
    safe_call: tuple[str, ...]
    call: tuple[str, ...]
    day_times: tuple[str, ...]
    clock: re.Pattern  # a time of day, in the folded text ("14:30" reads "14 30", "٢" "2")


@functools.cache
def _pack_words(pack_version: int, kinds_version: int) -> PackWords:
    packs = languages.packs()

    def fold(field: str) -> tuple[str, ...]:
        return phrases_fold([w for p in packs for w in getattr(p, field)])

    joins = sorted({re.escape(w) for p in packs for w in p.clause_words}, key=len, reverse=True)
    return PackWords(
        kinds=tuple(
            (kind, phrases_fold([w for p in packs for w in p.need_phrases.get(kind, ())]))
            # In the registry's order: a text naming several needs gets the first.
            for kind in kinds.kinds_read()
        ),
        cancel=fold("cancel_words"),
        thanks=fold("thanks_words"),
        ask=fold("ask_words"),
        help=fold("help_asking_words"),
        not_asking=fold("not_asking_words"),
        complaint=fold("complaint_words"),
        clause=re.compile(
            r"[,.;:!?\n،؛]+" + (rf"|\s(?:{'|'.join(joins)})\s" if joins else ""), re.IGNORECASE
        ),
        safe_call=fold("safe_call_phrases"),
        call=fold("call_words"),
        day_times=fold("day_times"),
        clock=re.compile("|".join(p for pack in packs for p in pack.clock_patterns) or "(?!)"),
    )


def pack_words() -> PackWords:
    return _pack_words(languages.registry_version(), kinds.kinds_version())


# A clock time, in the folded text (so "14:30" reads "14 30" and "٢" reads "2").
_CLOCK_RAW = re.compile(r"\b\d{1,2}[:.][0-5]\d\b")
_CODE = re.compile(r"\b(\d{4,8})\b")
_RATING = re.compile(r"^(?:([1-5])(?: (\d{4,8}))?|(\d{4,8}) ([1-5]))$")


class Intent(StrEnum):
    DANGER = "danger"  # a sensitive referral, whatever else is open
    OPERATOR = "operator"  # an operator reads it first: open referral, HELP, ambiguous
    RATING = "rating"  # 1 to 5 for a request a volunteer did
    FEEDBACK = "feedback"  # thanks or praise for a request a volunteer did
    CANCEL = "cancel"
    UNREADABLE = "unreadable"  # nothing to read (empty, marks, punctuation) with a request open
    FOLLOW_UP = "follow_up"  # joins the open request
    NEW_REQUEST = "new_request"


@dataclass(frozen=True)
class Conversation:
    """Where a resident's conversation stands, derived from their requests."""

    open_request: bool = False
    referral_open: bool = False
    # A request a volunteer did was closed within settings.RESIDENT_RATING_DAYS, after anything
    # still open was asked for: "done, how was it?" is the last thing we asked.
    awaiting_feedback: bool = False
    rateable: bool = False  # such a request has no rating yet


def kinds_read(text: str) -> list[str]:
    """The kinds of need a text names, most specific first; [] when unclear."""
    folded = text_fold(text)
    return [kind for kind, phrases in pack_words().kinds if text_has_any(folded, phrases)]


def rating_read(text: str) -> tuple[int, str] | None:
    """(rating, code or "") for "4", "4 4821" or "4821 4"; None otherwise."""
    match = _RATING.match(text_fold(text))
    if not match:
        return None
    rating = match.group(1) or match.group(4)
    code = match.group(2) or match.group(3) or ""
    return int(rating), code


def cancel_read(text: str) -> tuple[bool, str]:
    """(is a cancellation, code or ""). Only a short message counts, so "avbryt" in the middle
    of a story does not cancel anything."""
    folded = text_fold(text)
    words = folded.split()
    if not words or len(words) > 4 or text_has_any(folded, pack_words().cancel) is None:
        return False, ""
    code = _CODE.search(folded)
    return True, code.group(1) if code else ""


def text_is_symbols(text: str) -> bool:
    """Only emoji and other symbols (🙏, ❤️, 👍): no word, but a feeling."""
    return not text_fold(text) and any(unicodedata.category(c) == "So" for c in text or "")


def text_asks_anew(text: str) -> bool:
    """Whether a reply to "done, how was it?" clearly asks for something new: it names a need
    (or help itself) and a clause of it asks without a negation ("tack, kan ni handla igen
    på fredag", "men yardım lazım"; not "behöver inte mer mat"), or it is only a need
    ("apotek", "handla mat", "ring mig")."""
    need = bool(kinds_read(text))
    read = pack_words()
    for clause in read.clause.split(text or ""):
        folded = text_fold(clause)
        if not text_has_any(folded, read.ask) or text_has_any(folded, read.not_asking):
            continue
        if need or text_has_any(folded, read.help):
            return True
    if not need:
        return False
    folded = text_fold(text)
    words_of_feedback = read.thanks + read.complaint + read.not_asking
    return len(folded.split()) <= 2 and text_has_any(folded, words_of_feedback) is None


def text_complains(text: str) -> bool:
    """Whether feedback has words of complaint ("kom aldrig", "late", "gelmedi")."""
    return text_has_any(text_fold(text), pack_words().complaint) is not None


def text_praises(text: str) -> bool:
    """Whether feedback has words of thanks or praise, or is only emoji."""
    return text_is_symbols(text) or text_has_any(text_fold(text), pack_words().thanks) is not None


def safe_call_read(text: str) -> bool:
    """Whether a text answers when or how it is safe to call: not to call, a time to call
    ("efter 14", "call after 3pm", "soita vasta klo 14"), whether to leave a message. A time
    alongside a need ("kan ni handla efter 14", "i kväll med maten") is about the need."""
    folded = text_fold(text)
    read = pack_words()
    if text_has_any(folded, read.safe_call):
        return True
    calling = text_has_any(folded, read.call) is not None
    clock = bool(read.clock.search(folded) or _CLOCK_RAW.search(text or ""))
    if calling:
        return clock or text_has_any(folded, read.day_times) is not None
    return clock and not kinds_read(text)


RATING_DIGITS = frozenset("12345")


def feedback_rating(text: str) -> int | None:
    """A lone 1 to 5 in words of thanks ("5 tack!"), or None."""
    digits = [w for w in text_fold(text).split() if w.isdigit()]
    return int(digits[0]) if len(digits) == 1 and digits[0] in RATING_DIGITS else None


def help_word_read(text: str) -> str | None:
    """The language a lone HELP word tells ("" for Twilio's English ones), or None."""
    parsed = keyword_parse(text)
    if parsed is None or parsed[0] != HELP:
        return None
    return parsed[2]


def resident_text_read(text: str, *, conversation: Conversation) -> Intent:
    """What this text is, given the conversation. Danger is read first and in every state."""
    if text_signals_danger(text):
        return Intent.DANGER
    if conversation.referral_open or text_needs_operator(text):
        return Intent.OPERATOR
    if help_word_read(text) is not None:
        return Intent.OPERATOR
    if conversation.rateable and rating_read(text) is not None:
        return Intent.RATING
    if cancel_read(text)[0]:
        return Intent.CANCEL
    # After "done, how was it?" a reply is about the visit unless it asks anew.
    replied = text_fold(text) or text_is_symbols(text)
    if conversation.awaiting_feedback and replied and not text_asks_anew(text):
        return Intent.FEEDBACK
    if conversation.open_request:
        return Intent.FOLLOW_UP if text_fold(text) else Intent.UNREADABLE
    return Intent.NEW_REQUEST if text_fold(text) else Intent.UNREADABLE
