"""What an inbound resident text is: one decision, from the text and the conversation so far.

The same words mean different things at different moments: "tack" after "done, how was it?"
is feedback, "5" is a rating only when there is something to rate, and anything from a
resident with an open referral goes to an operator first. `resident_text_read` is the only
place that decides; helpdesk.resident_sms derives the `Conversation` from the database and
acts on the answer. Nothing here touches the database.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from notifications.keywords import HELP, keyword_parse

from .languages import phrases_fold, text_fold, text_has_any
from .models import HelpRequest

# text_signals_danger: certain danger, a referral. text_needs_operator: danger certain or only
# possible; read after the first, so it decides the ambiguous texts (an operator triages).
from .safety import text_needs_operator, text_signals_danger

Kind = HelpRequest.Kind

# Read in this order: a text naming several needs gets the first (the others are noted).
KIND_KEYWORDS = [
    (
        Kind.PHARMACY,
        phrases_fold(
            [
                *("apotek*", "medicin*", "läkemedel*", "recept*", "tabletter"),
                *("pharmacy", "pharmacies", "medicine*", "medication*", "prescription*"),
                *("chemist", "pills"),
                *("eczane*", "ilaç*", "ilac*", "reçete*"),
                *("apteek*", "lääke*", "lääkkeet", "resepti*"),
                *("صيدلية", "صيدليه", "الصيدلية", "دواء", "الدواء", "أدوية", "ادويه", "وصفة"),
            ]
        ),
    ),
    (
        Kind.GROCERIES,
        phrases_fold(
            [
                *("handla*", "handling*", "mat", "maten", "matkass*", "livsmedel*", "affär*"),
                *("groceries", "grocery", "shopping", "food", "shop"),
                *("alışveriş*", "market*", "yiyecek*", "gıda", "erzak"),
                *("kauppa*", "kaupa*", "ruoka*", "ruokaa", "ostoks*"),
                *("بقالة", "البقالة", "طعام", "الطعام", "أكل", "تسوق", "التسوق", "مشتريات"),
            ]
        ),
    ),
    (
        Kind.TRANSPORT,
        phrases_fold(
            [
                *("skjuts", "färdtjänst", "transport*"),
                *("a ride", "a lift"),
                *("ulaşım", "araba ile"),
                *("kyyti*", "kuljetu*"),
                *("توصيل", "مواصلات"),
            ]
        ),
    ),
    (
        Kind.PHONE_FRIEND,
        phrases_fold(
            [
                *("ensam", "sällskap", "någon att prata med"),
                *("lonely", "someone to talk"),
                *("yalnızım", "yalnız", "sohbet*"),
                *("yksinäi*", "jutella", "juttuseura*"),
                *("وحيد", "وحيدة", "وحيده"),
            ]
        ),
    ),
    (
        Kind.CALLBACK,
        phrases_fold(
            [
                *("ring", "ringa", "ringer", "ring mig", "samtal"),
                *("call*", "phone me", "ring me"),
                *("ara", "arayın", "arayin", "arar*", "beni ara*"),
                *("soita*", "soitta*"),
                *("اتصل*", "اتصال", "كلموني"),
            ]
        ),
    ),
]
CANCEL_WORDS = phrases_fold(["avbryt", "ångra", "abort", "withdraw", "iptal", "peruuta", "peru"])
CANCEL_WORDS += phrases_fold(["إلغاء", "الغاء", "الغي"])
# Thanks and praise, as residents write them after a visit.
THANKS_WORDS = phrases_fold(
    [
        *("tack*", "snäll*", "jättesnäll*", "bra", "jättebra", "toppen", "underbar*"),
        *("trevlig*", "fint", "jättefin*", "nöjd*", "glad"),
        *("thank*", "thx", "cheers", "lovely", "kind", "nice", "great", "wonderful"),
        *("helpful", "brilliant", "perfect", "appreciate*", "grateful"),
        *("teşekkür*", "tesekkur*", "sağol*", "sagol*", "eyvallah", "harika", "nazik*"),
        *("güzel*", "memnun*", "allah razı olsun"),
        *("kiitos*", "kiitti", "kiva*", "ihana*", "mukava*", "hyvä*", "hyvin", "loistava*"),
        *("ystävälli*",),
        *("شكرا", "شكر*", "مشكور*", "جزاك*", "جزاكم*", "ممتاز*", "لطيف*", "بارك الله"),
    ]
)
# After "done, how was it?" a need is new only when it is asked for: one of these, in a clause
# without a negation ("behöver inte", "don't need"). Not "hjälp" or "help" alone: "tack för
# hjälp med handlingen" is thanks.
ASK_WORDS = phrases_fold(
    [
        # Not "snälla" (please, but also kind: "ni är så snälla").
        *("kan ni", "kan någon", "kan du", "skulle ni", "behöver", "vill ha"),
        *("hjälp mig", "hjälpa mig", "ring mig"),
        *("can you", "could you", "can someone", "could someone", "would you", "i need"),
        *("we need", "need", "please", "help me", "call me"),
        *("yardım eder misiniz", "yardım edin", "yapar mısınız", "yapabilir misiniz"),
        *("alabilir misiniz", "lütfen", "lutfen", "lazım", "lazim", "ihtiyac*", "istiyorum"),
        *("voisitte*", "voitteko", "voisitko", "voitko", "tarvit*", "auttakaa", "pyydän"),
        *("أحتاج", "احتاج", "نحتاج", "محتاج*", "ممكن", "أريد", "اريد", "من فضلك", "لو سمحت"),
        *("ساعدني", "ساعدوني", "اتصلوا بي", "اتصل بي"),
        *("soittakaa", "soita minulle", "beni arayın", "beni arayin", "arar mısınız"),
    ]
)
# Help itself, asked for without naming a kind ("men kan ni hjälpa mig", "yardım lazım"): an
# operator finds out what. Whole words: "hon hjälpte mig" and "helpful" are praise.
HELP_WORDS = phrases_fold(["hjälp", "hjälpa", "help", "yardım*", "apua", "avun", "مساعدة"])
NOT_ASKING = phrases_fold(
    [
        *("behöver inte", "behöver ingen", "behöver inget", "behöver ingenting", "inte behöver"),
        *("don't need", "dont need", "do not need", "no need", "no longer need"),
        *("ihtiyacım yok", "ihtiyacim yok", "gerek yok", "lazım değil", "istemiyorum"),
        *("en tarvitse", "ei tarvitse", "emme tarvitse", "en halua"),
        *("لا أحتاج", "لا احتاج", "لا نحتاج", "مش محتاج", "لست بحاجة", "ما احتاج"),
    ]
)
# Words of a complaint about a visit. Phrases where a word alone means something else in
# another of the languages ("sent" is English too, "bad" Swedish for "asked").
COMPLAINT_WORDS = phrases_fold(
    [
        *("aldrig", "kom inte", "kom sent", "för sent", "var sen", "försen*", "otrevlig*"),
        *("oförskämd*", "dålig*", "besviken", "missnöjd*", "inte nöjd", "glömde"),
        *("never", "late", "didn't come", "didnt come", "did not come", "didn't show"),
        *("no show", "rude", "forgot", "disappointed", "not happy", "unhappy", "terrible"),
        *("awful",),
        *("gelmedi", "getirmedi", "geç", "kaba*", "kötü*", "unuttu", "şikayet*"),
        *("memnun değilim", "memnun kalmadım"),
        *("ei tullut", "ei tuonut", "koskaan", "myöhässä", "myöhästy*", "töykeä*", "huono*"),
        *("unohti", "pettynyt", "valitus*"),
        *("لم يأت", "لم يات", "لم ياتي", "لم تأت", "لم يحضر", "لم تحضر", "ما جا", "تأخر*"),
        *("متأخر*", "سيء", "سيئ", "وقح*", "نسي", "شكوى", "ابدا"),
    ]
)
# Where one thought ends and another begins, for reading a negation only in its own clause.
_CLAUSE = re.compile(r"[,.;:!?\n،؛]+|\s(?:men|but|ama|fakat|mutta|لكن)\s", re.IGNORECASE)
# A resident's answer to "when is a good time to call, and may we leave a message?". These
# say it alone: not to call, when to call, whether to leave a message.
SAFE_CALL_PHRASES = phrases_fold(
    [
        *("ring inte", "ringa inte", "inte ringa", "ring aldrig", "ring efter", "ring före"),
        *("ring mellan", "ring när", "ring mig när", "ringa efter", "inget meddelande"),
        *("inga meddelanden", "lämna inget", "inte lämna", "lämna meddelande", "sms a inte"),
        *("skicka inte", "säkert att ringa", "säkrast", "ensam hemma", "när han är borta"),
        *("don't call", "dont call", "do not call", "never call", "call after", "call before"),
        *("call between", "call when", "call me when", "no message*", "don't leave"),
        *("dont leave", "do not leave", "leave a message", "don't text", "do not text"),
        *("safe to call", "home alone", "alone at home"),
        *("arama", "aramayın", "aramayınız", "mesaj bırakma*", "mesaj atma*", "evde yalnız*"),
        *("yalnızken",),
        *("älä soita", "älkää soittako", "soita vasta", "soita kun", "ei viestiä", "älä jätä"),
        *("älkää jättäkö", "yksin kotona", "turvallista soittaa"),
        *("لا تتصل*", "لا تترك*", "بدون رسالة", "لا رسالة", "لا ترسل*", "بعد الساعة"),
        *("وحدي في البيت",),
    ]
)
# Words of calling, which with a time of day make an answer ("ring mig på förmiddagen").
CALL_WORDS = phrases_fold(
    [
        *("ring", "ringa", "ringer", "ring mig", "samtal*"),
        *("call*", "phone me", "ring me"),
        *("arayın", "arayin", "arayabilir*", "arar*", "ara"),
        *("soita*", "soitta*"),
        *("اتصل*", "اتصال"),
    ]
)
DAY_TIMES = phrases_fold(
    [
        *("förmiddag*", "eftermiddag*", "kväll*", "ikväll", "morgon*", "imorgon", "vardag*"),
        *("morning*", "afternoon*", "evening*", "tonight", "tomorrow", "weekday*"),
        *("sabah*", "öğle*", "akşam*", "yarın"),
        *("aamu*", "iltapäiv*", "illa*", "huomen*", "arki*"),
        *("صباح*", "الصباح", "مساء*", "المساء", "غدا", "ظهر*"),
    ]
)
# A clock time, in the folded text (so "14:30" reads "14 30" and "٢" reads "2").
_CLOCK = re.compile(
    r"\b\d{1,2} ?(?:am|pm)\b"
    r"|\b(?:kl|klockan|klo|saat|at|الساعه)\s\d{1,2}\b"
    r"|\b(?:efter|fore|innan|mellan|after|before|between|until|jalkeen|ennen|بعد|قبل|بين)"
    r"\s(?:kl |klo |saat |الساعه )?\d{1,2}\b"
    r"|\b\d{1,2}\s(?:jalkeen|ennen)\b"
    r"|\b\d{1,2}\s(?:ten|den|dan|tan|te|de|da|ta)\s(?:sonra|once)\b"
)
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
    return [kind for kind, words in KIND_KEYWORDS if text_has_any(folded, words)]


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
    if not words or len(words) > 4 or text_has_any(folded, CANCEL_WORDS) is None:
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
    for clause in _CLAUSE.split(text or ""):
        folded = text_fold(clause)
        if not text_has_any(folded, ASK_WORDS) or text_has_any(folded, NOT_ASKING):
            continue
        if need or text_has_any(folded, HELP_WORDS):
            return True
    if not need:
        return False
    folded = text_fold(text)
    words_of_feedback = THANKS_WORDS + COMPLAINT_WORDS + NOT_ASKING
    return len(folded.split()) <= 2 and text_has_any(folded, words_of_feedback) is None


def text_complains(text: str) -> bool:
    """Whether feedback has words of complaint ("kom aldrig", "late", "gelmedi")."""
    return text_has_any(text_fold(text), COMPLAINT_WORDS) is not None


def text_praises(text: str) -> bool:
    """Whether feedback has words of thanks or praise, or is only emoji."""
    return text_is_symbols(text) or text_has_any(text_fold(text), THANKS_WORDS) is not None


def safe_call_read(text: str) -> bool:
    """Whether a text answers when or how it is safe to call: not to call, a time to call
    ("efter 14", "call after 3pm", "soita vasta klo 14"), whether to leave a message. A time
    alongside a need ("kan ni handla efter 14", "i kväll med maten") is about the need."""
    folded = text_fold(text)
    if text_has_any(folded, SAFE_CALL_PHRASES):
        return True
    calling = text_has_any(folded, CALL_WORDS) is not None
    clock = bool(_CLOCK.search(folded) or _CLOCK_RAW.search(text or ""))
    if calling:
        return clock or text_has_any(folded, DAY_TIMES) is not None
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
