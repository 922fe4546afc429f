"""Reading residents' texts in the languages of the packs (see the package `languages`).

Texts arrive typed on old phones, without diacritics, in capitals, with Arabic-Indic digits
or right-to-left marks. Everything is compared in a folded form (see `text_fold`), so the
keyword lists here are written as people spell them and folded once at import.
"""

import functools
import re
import unicodedata

from django.conf import settings

import languages

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

# The built-in packs' codes, for tests that go through every language.
RESIDENT_LANGUAGES = tuple(p.code for p in languages.BUILT_IN)


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


@functools.cache
def _guessing(version: int) -> tuple:
    """Per pack: (code, script regex or None, hint words, letters, word-shape regex or None)."""
    return tuple(
        (
            p.code,
            re.compile(p.script) if p.script else None,
            frozenset(text_words(p.hints)),
            frozenset(p.letters),
            re.compile(p.word_shapes) if p.word_shapes else None,
        )
        for p in languages.packs()
    )


def language_guess(text: str) -> str | None:
    """The likely language of `text` among the packs, or None when nothing points anywhere.
    A script of its own decides; otherwise a pack's letters, hint words and word shapes
    score it. Only for guessing the language of a number we do not know yet."""
    text = text or ""
    guessing = _guessing(languages.registry_version())
    for code, script, _hints, _letters, _shapes in guessing:
        if script is not None and script.search(text):
            return code
    words = text_words(text)
    scores = {}
    for code, script, hints, letters, shapes in guessing:
        if script is not None:
            continue
        score = 2 * sum(1 for c in text if c in letters)
        score += sum(1 for w in words if w in hints)
        if shapes is not None:
            score += 0.5 * sum(1 for w in words if shapes.search(w))
        scores[code] = score
    if not scores:
        return None
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values())
    if scores[best] < 1 or (len(ranked) > 1 and ranked[-2] == scores[best]):
        return None
    return best


def language_known(language: str) -> str:
    """`language` if residents are written to in it (it has a pack), else the default."""
    return language if language in languages.codes() else settings.LANGUAGE_CODE
