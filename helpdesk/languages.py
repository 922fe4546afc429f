"""Reading residents' texts in Swedish, English, Arabic, Turkish and Finnish.

Texts arrive typed on old phones, without diacritics, in capitals, with Arabic-Indic digits
or right-to-left marks. Everything is compared in a folded form (see `text_fold`), so the
keyword lists here are written as people spell them and folded once at import.
"""

import re
import unicodedata

from django.conf import settings

# Letters that folding would otherwise keep apart from what people type instead.
_TRANSLATE = str.maketrans(
    {
        "ı": "i",  # Turkish dotless i
        "ß": "ss",
        "ø": "o",
        "æ": "ae",
        # Arabic: alef variants, teh marbuta and alef maqsura are often typed interchangeably.
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ـ": "",  # tatweel, only stretches a word
        # Arabic-Indic and Persian digits, so "إلغاء ٤٨٢١" carries the code 4821.
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
_NOT_WORD = re.compile(r"[^\w]+")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")

RESIDENT_LANGUAGES = ("sv", "en", "ar", "tr", "fi")


def text_fold(text: str) -> str:
    """Lower case, no diacritics or harakat, no punctuation, single spaces, ASCII digits."""
    text = (text or "").translate(_TRANSLATE).casefold().translate(_TRANSLATE)
    decomposed = unicodedata.normalize("NFKD", text)
    # Format characters (Unicode category Cf) are invisible: bidi controls some phones insert
    # around mixed-direction text, zero-width joiners inside emoji, soft hyphens a keyboard or
    # a copied text leaves inside a word ("hot\u00adar"). Every one is dropped with the
    # combining marks, in the same pass, not from a list of them.
    stripped = "".join(
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


def text_words(text: str) -> list[str]:
    return text_fold(text).split()


def phrases_fold(phrases: "list[str] | tuple[str, ...]") -> tuple[str, ...]:
    """Fold a keyword list once. A trailing "*" (kept) marks a word start: "apotek*" also
    matches "apoteket", which covers inflections in Swedish, Finnish and Turkish without a
    stemmer; without it the phrase must match whole words."""
    folded = set()
    for phrase in phrases:
        star = "*" if phrase.endswith("*") else ""
        text = text_fold(phrase.rstrip("*"))
        if text:
            folded.add(text + star)
    return tuple(sorted(folded))


def text_has_any(folded: str, phrases: tuple[str, ...]) -> str | None:
    """The first of `phrases` (from phrases_fold) found in the folded text, else None."""
    padded = f" {folded} "
    for phrase in phrases:
        if phrase.endswith("*"):
            if f" {phrase[:-1]}" in padded:
                return phrase
        elif f" {phrase} " in padded:
            return phrase
    return None


# Words typical of each language in a short help message. Only for guessing the language of a
# number we do not know yet; the kind of need is read in helpdesk.resident_sms.
_HINTS = {
    "sv": "hej jag och att det inte kan du med behöver hjälp handla mat apotek ring mig tack "
    "snälla min mitt är för på har vill",
    "en": "hi hello i and the you my me need help please shopping groceries food pharmacy "
    "call thanks can is to with have want",
    "tr": "merhaba selam ben ve bir bu için yardım lütfen alışveriş market eczane ilaç ara "
    "beni teşekkür ederim var istiyorum ihtiyacım",
    "fi": "hei moi minä ja on ei se apua tarvitsen kiitos ruoka kauppa apteekki lääke soita "
    "minulle voitko olen haluan",
    "ar": "",
}
_HINT_WORDS = {lang: frozenset(text_words(words)) for lang, words in _HINTS.items()}
# Letters that belong to one of the Latin-script languages only.
_LETTERS = {"tr": set("ğşıİçĞŞ"), "sv": set("åÅ"), "fi": set()}


def language_guess(text: str) -> str | None:
    """The likely language of `text` among the five, or None when nothing points anywhere."""
    text = text or ""
    if _ARABIC.search(text):
        return "ar"
    scores = dict.fromkeys(("sv", "en", "tr", "fi"), 0.0)
    for lang, letters in _LETTERS.items():
        scores[lang] += 2 * sum(1 for c in text if c in letters)
    words = text_words(text)
    for lang, hints in _HINT_WORDS.items():
        if lang in scores:
            scores[lang] += sum(1 for w in words if w in hints)
    # Finnish doubles vowels and ends words in -ni/-lle/-ssa far more than the others.
    scores["fi"] += 0.5 * sum(
        1 for w in words if re.search(r"(aa|ee|ii|uu|yy|ll|kk|tt)|(lle|ssa|ssä|sta)$", w)
    )
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] < 1 or sorted(scores.values())[-2] == scores[best]:
        return None
    return best


def language_known(language: str) -> str:
    """`language` if residents are written to in it, else the default (Swedish)."""
    codes = {code for code, _ in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE
