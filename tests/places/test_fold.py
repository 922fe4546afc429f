"""places.text.fold folds by a table of characters; it must give exactly what the plain
definition gives (kept here as the reference: the whole text case folded, NFKD, combining
marks dropped, the letters NFKD leaves whole spelt out, punctuation to single spaces), for
real addresses and names in the languages the line hears and for random text."""

import random
import re
import unicodedata

import pytest

from places.text import fold, search_text

_NON_WORD = re.compile(r"[^\w]+")


def fold_reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.translate(str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ı": "i", "ł": "l"}))
    return " ".join(_NON_WORD.sub(" ", plain).split())


REAL = [
    "Storvretsvägen 1B",
    "STORVRETSVÄGEN",
    "Ågatan 1, 141 52 Flemingsberg",
    "Gamla Huddingevägen 10-12",
    "Öster Malma",
    "Øresundsvej 3, Æbeltoft",
    "Straße des 17. Juni",
    "Łódź, ul. Piotrkowska",
    "İstanbul Caddesi, Iğdır, ılık",
    "DİYARBAKIR",
    "شارع الملك فهد ١٢",
    "Улица Ленина 5",
    "Οδός Ερμού",
    "Nguyễn Thị Minh Khai",
    "ﬁsk ﬂod ½ ² Ⅻ ｆｕｌｌ",
    "e\u0301e\u0308\u0327 o\u0338",
    "a\u0301\u0300\u0302",
    "서울 강남구",
    "東京都 千代田区",
    "🏠 Hem 💙",
    "tab\there\nnew line\u00a0nbsp\u2003em",
    "under_score -- dash… «quote»",
    "",
    "   ",
    "ǅ ǈ ẞ ſ ﬀ",
]

# Pieces random text is made of: ASCII, Latin with diacritics, the Nordic, Turkish and Polish
# letters, combining marks, other scripts, compatibility forms, punctuation and spaces, and
# characters beyond the table (above U+3000 and outside the BMP).
ALPHABETS = [
    range(0x20, 0x7F),
    range(0xA0, 0x250),
    range(0x300, 0x370),
    range(0x370, 0x530),
    range(0x600, 0x700),
    range(0x1E00, 0x1F00),
    range(0x2000, 0x2070),
    range(0x2150, 0x2190),
    range(0xAC00, 0xAD00),
    range(0xFB00, 0xFB07),
    range(0xFF00, 0xFF60),
    range(0x1F300, 0x1F400),
    range(0x1D400, 0x1D500),
]


@pytest.mark.parametrize("text", REAL)
def test_real_text_folds_as_the_reference(text):
    assert fold(text) == fold_reference(text)


def test_known_folds():
    assert fold("Ågatan 1B") == "agatan 1b"
    assert fold("İstanbul ılık") == "istanbul ilik"
    assert fold("Øresund Æbeltoft Straße Łódź") == "oresund aebeltoft strasse lodz"
    assert fold("e\u0301") == "e"


def test_random_text_folds_as_the_reference():
    rng = random.Random(20261201)
    points = [c for alphabet in ALPHABETS for c in alphabet]
    for _ in range(20_000):
        text = "".join(chr(rng.choice(points)) for _ in range(rng.randint(0, 40)))
        assert fold(text) == fold_reference(text), ascii(text)


def test_every_character_below_the_table_end_folds_as_the_reference():
    """Each character alone and between letters, so a table entry is never wrong."""
    for code in range(0x3000):
        char = chr(code)
        assert fold(char) == fold_reference(char), hex(code)
        assert fold(f"a{char}b") == fold_reference(f"a{char}b"), hex(code)


def test_search_text_is_folded():
    assert search_text("Storvretsvägen", "1", "B", "14152", "Flemingsberg") == (
        "storvretsvagen 1b 14152 flemingsberg"
    )
