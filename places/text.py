"""Addresses as text: the one normalisation that the register's rows and a typed query share,
so "Storvretsvagen", "storvretsv" and "STORVRETSVÄGEN" find the same door."""

import re
import unicodedata

# Written street words, spelt out the way the register spells them. Only at the end of a
# word and only with the full stop or alone, so "vägen" itself is left as it is.
ABBREVIATIONS = {
    "g": "gatan",
    "v": "vagen",
    "vag": "vagen",
    "pl": "platsen",
    "gr": "granden",
    "st": "stigen",
}

# Longest first, so "storvretsvag." is "storvrets" + "vagen", not "storvretsva" + "gatan".
_ABBREVIATED = re.compile(
    r"(\w+?)(" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\.(?=\W|$)"
)
_NON_WORD = re.compile(r"[^\w]+")
# What a query is read to: an operator never types more, and a pasted page is not an address.
QUERY_MAX_CHARS = 200
QUERY_MAX_WORDS = 8
# "1B", "12 b", "1-3": a house number with its letter.
_NUMBER = re.compile(r"^(\d+)\s*([a-z]?)$")


def fold(text: str) -> str:
    """Lower case, diacritics removed, punctuation to spaces: "Ågatan 1B" -> "agatan 1b"."""
    # ASCII: lower() is casefold there, and NFKD leaves it whole.
    plain = text.lower() if text.isascii() else text.translate(_FOLDED)
    if not plain.replace(" ", "").isalnum():  # most addresses are words and spaces only
        plain = _NON_WORD.sub(" ", plain)
    return " ".join(plain.split())


def _char_fold(char: str) -> str:
    """One character folded as a whole text would be: case folded, decomposed (NFKD), its
    combining marks dropped and the letters NFKD leaves whole spelt out. Each of these steps
    works character by character (the marks NFKD reorders are all dropped), so folding a
    text is folding each of its characters."""
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_WHOLE_LETTERS)


# Letters NFKD leaves whole.
_WHOLE_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ı": "i", "ł": "l"})
# Characters kept once folded: the alphabets an address is written in (Latin, Greek,
# Cyrillic, Arabic and the rest below U+3000). Above it each is folded afresh, so a file of
# unusual characters cannot grow the table without bound.
_FOLDED_KEPT_BELOW = 0x3000


class _FoldTable(dict):
    """str.translate's table for fold, filled as characters are first met."""

    def __missing__(self, code: int) -> str:
        folded = _char_fold(chr(code))
        if code < _FOLDED_KEPT_BELOW:
            self[code] = folded
        return folded


_FOLDED = _FoldTable()


def search_text(street: str, number: str, letter: str, postcode: str, locality: str) -> str:
    """What an address is found by: "storvretsvagen 1b 14152 flemingsberg"."""
    door = f"{number}{letter}" if len(letter) <= 1 else f"{number} {letter}"
    return fold(" ".join([p for p in (street, door, postcode, locality) if p]))


def query_words(query: str) -> list[str]:
    """A typed query as words to find: folded, the abbreviations spelt out ("Storg." and
    "Storg ." are "storgatan"), a postcode written "141 52" joined, and "1 B" joined to "1b"."""
    spelt = _abbreviations_spell(query[:QUERY_MAX_CHARS])
    words = []
    for raw in spelt.replace(".", ". ").split():
        word = fold(raw)
        # "v." anywhere, a bare "v" only after a word ("Gamla v 3"): a query that begins
        # "st" is the start of a street being typed, not "stigen".
        if word in ABBREVIATIONS and (raw.endswith(".") or (words and words[-1].isalpha())):
            word = ABBREVIATIONS[word]
        words.extend(word.split())
    joined: list[str] = []
    for word in words:
        previous = joined[-1] if joined else ""
        if word.isdigit() and len(word) == 2 and previous.isdigit() and len(previous) == 3:
            joined[-1] = previous + word  # "141 52"
        elif len(word) == 1 and word.isalpha() and previous.isdigit():
            joined[-1] = previous + word  # "1 b"
        else:
            joined.append(word)
    return joined[:QUERY_MAX_WORDS]


def _abbreviations_spell(query: str) -> str:
    """ "Storvretsv. 1" -> "storvretsvagen 1": an abbreviation closing a word with its full
    stop. Folded first, so "Storvretsväg." is caught as well."""
    folded = unicodedata.normalize("NFKD", query.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _ABBREVIATED.sub(lambda m: m.group(1) + ABBREVIATIONS[m.group(2)] + " ", folded)


def number_split(word: str) -> tuple[str, str] | None:
    """ "1b" -> ("1", "b"); a word that is not a house number -> None."""
    found = _NUMBER.match(word)
    return (found.group(1), found.group(2)) if found else None


def trigrams(word: str) -> set[str]:
    """The word's three-letter pieces, padded as pg_trgm pads them: two spaces before, one
    after, so the first letters weigh more than the middle ones."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def word_similarity(word: str, text: str) -> float:
    """How near a typed word is to the nearest word of a search text, 0 to 1, by shared
    trigrams; a word typed halfway ("storvrts") is also held against the start of a longer
    word, as the operator types from the front."""
    if not word:
        return 0.0
    mine = trigrams(word)
    best = 0.0
    for token in text.split():
        # The whole word, and its first letters about as many as typed.
        for candidate in {token, *(token[: len(word) + d] for d in (-1, 0, 1))}:
            theirs = trigrams(candidate)
            if candidate != token:
                theirs.discard(candidate[-2:] + " ")  # its end is not a word's end
                mine_open = mine - {word[-2:] + " "}
                shared = len(mine_open & theirs) / len(mine_open | theirs)
            else:
                shared = len(mine & theirs) / len(mine | theirs)
            best = max(best, shared)
    return best
