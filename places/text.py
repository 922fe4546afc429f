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

_NON_WORD = re.compile(r"[^\w]+")
# "1B", "12 b", "1-3": a house number with its letter.
_NUMBER = re.compile(r"^(\d+)\s*([a-z]?)$")


def fold(text: str) -> str:
    """Lower case, diacritics removed, punctuation to spaces: "Ågatan 1B" -> "agatan 1b"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letters NFKD leaves whole.
    plain = plain.translate(str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ı": "i", "ł": "l"}))
    return " ".join(_NON_WORD.sub(" ", plain).split())


def search_text(street: str, number: str, letter: str, postcode: str, locality: str) -> str:
    """What an address is found by: "storvretsvagen 1b 14152 flemingsberg"."""
    door = f"{number}{letter}" if len(letter) <= 1 else f"{number} {letter}"
    return fold(" ".join(p for p in (street, door, postcode, locality) if p))


def query_words(query: str) -> list[str]:
    """A typed query as words to find: folded, the abbreviations spelt out, a postcode
    written "141 52" joined, and "1 B" joined to "1b"."""
    words = fold(query.replace(".", ". ")).split()
    words = [ABBREVIATIONS.get(w, w) for w in words]
    joined: list[str] = []
    for word in words:
        previous = joined[-1] if joined else ""
        if word.isdigit() and len(word) == 2 and previous.isdigit() and len(previous) == 3:
            joined[-1] = previous + word  # "141 52"
        elif len(word) == 1 and word.isalpha() and previous.isdigit():
            joined[-1] = previous + word  # "1 b"
        else:
            joined.append(word)
    return joined


def number_split(word: str) -> tuple[str, str] | None:
    """ "1b" -> ("1", "b"); a word that is not a house number -> None."""
    found = _NUMBER.match(word)
    return (found.group(1), found.group(2)) if found else None
