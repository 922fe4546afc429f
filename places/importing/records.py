"""One address as a reader found it, and the checks every address passes before it is
staged, whichever file it came from."""

import re
from dataclasses import dataclass

from ..text import search_text

# Sweden, roughly, in WGS 84: a position outside this is a wrong coordinate system, swapped
# columns or a typo, never a door the line will send a volunteer to.
LAT_MIN, LAT_MAX = 55.0, 69.1
LON_MIN, LON_MAX = 10.5, 24.2

# The register's column widths (places.models.Address): a longer value is refused here with
# a reason rather than failing the whole import on PostgreSQL.
WIDTHS = {"street": 120, "number": 12, "letter": 12, "locality": 80, "municipality": 80}
SOURCE_ID_WIDTH = 80

# "12", "12B", "12 b"
_SINGLE = re.compile(r"^(\d+)\s*([^\W\d_])?$")
# "12-14", "12 - 14", "12A-12C": a range keeps its whole text as the number.
_RANGE = re.compile(r"^(\d+\s*[^\W\d_]?)\s*[-–]\s*(\d+\s*[^\W\d_]?)$")
# "12 uppg. 2", "3 lgh 1101": a number and an entrance written out.
_WORDS = re.compile(r"^(\d+)\s*[,]?\s+(\S.*)$")
_NOT_DIGIT = re.compile(r"\D")
# Control characters (NUL, which PostgreSQL cannot store, and the rest of C0 and C1) and the
# bidirectional embedding, override and isolate marks, which make a name read as another
# ("U+202E" turns "gatan" around on screen).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Rejected(ValueError):
    """A row that cannot become an address; the message is the reason, counted per reason
    in the import's summary."""


@dataclass(slots=True)
class Found:
    """An address as read: `origin` says where ("line 12", "node 123") for the summary."""

    origin: str
    source_id: str
    street: str
    housenumber: str
    letter: str
    postcode: str
    locality: str
    municipality: str
    lat: float
    lon: float


@dataclass(slots=True)
class Refused:
    """A row a reader could not make sense of at all (no coordinates, no position)."""

    origin: str
    reason: str


def housenumber_split(text: str) -> tuple[str, str]:
    """ "12B" and "12 b" -> ("12", "B"); "12-14" -> ("12-14", ""); "12 uppg. 2" ->
    ("12", "uppg. 2"). Raises Rejected for text that does not start with a number."""
    if text.isascii() and text.isdigit():  # most are: "12"
        return text, ""
    text = " ".join(text.split())
    found = _SINGLE.match(text)
    if found:
        return found.group(1), (found.group(2) or "").upper()
    found = _RANGE.match(text)
    if found:
        first, last = (part.replace(" ", "").upper() for part in found.groups())
        return f"{first}-{last}", ""
    found = _WORDS.match(text)
    if found:
        return found.group(1), found.group(2)
    raise Rejected("house number not understood")


def postcode_digits(text: str) -> str:
    """ "141 52" -> "14152"; blank stays blank. Anything but five digits is refused: a wrong
    postcode would send search to the wrong door."""
    if len(text) == 5 and text.isascii() and text.isdigit():  # most are: "14152"
        return text
    digits = _NOT_DIGIT.sub("", text)
    if digits and len(digits) != 5:
        raise Rejected("postcode is not five digits")
    if not digits and text.strip():
        raise Rejected("postcode is not five digits")
    return digits


def position_check(lat: float, lon: float) -> None:
    if not (LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX):
        raise Rejected("position outside Sweden")


def row_make(found: Found, source: str) -> tuple:
    """The staged row: (source_id, street, number, letter, postcode, locality,
    municipality, lat, lon, search_text). Raises Rejected with the reason."""
    # One scan for control characters over every field, joined by a newline (which is
    # whitespace, not one of them).
    if _CONTROLS.search(
        "\n".join(
            (
                found.street,
                found.housenumber,
                found.letter,
                found.postcode,
                found.locality,
                found.municipality,
                found.source_id,
            )
        )
    ):
        raise Rejected("control or text-direction characters in the text")
    street = " ".join(found.street.split())
    if not street:
        raise Rejected("no street")
    if not found.housenumber.strip():
        raise Rejected("no house number")
    number, letter = housenumber_split(found.housenumber)
    if found.letter.strip():
        letter = " ".join(found.letter.split())
        letter = letter.upper() if len(letter) == 1 else letter
    postcode = postcode_digits(found.postcode)
    locality = " ".join(found.locality.split()) if found.locality else ""
    municipality = " ".join(found.municipality.split()) if found.municipality else ""
    if (
        len(street) > WIDTHS["street"]
        or len(number) > WIDTHS["number"]
        or len(letter) > WIDTHS["letter"]
        or len(locality) > WIDTHS["locality"]
        or len(municipality) > WIDTHS["municipality"]
    ):
        values = {
            "street": street,
            "number": number,
            "letter": letter,
            "locality": locality,
            "municipality": municipality,
        }
        name = next(n for n, width in WIDTHS.items() if len(values[n]) > width)
        raise Rejected(f"{name} longer than {WIDTHS[name]} characters")
    source_id = found.source_id.strip()
    if not source_id:
        raise Rejected("no id")
    if len(source_id) > SOURCE_ID_WIDTH:
        raise Rejected(f"id longer than {SOURCE_ID_WIDTH} characters")
    position_check(found.lat, found.lon)
    text = search_text(street, number, letter, postcode, locality)[:250]
    return (
        source_id,
        street,
        number,
        letter,
        postcode,
        locality,
        municipality,
        found.lat,
        found.lon,
        text,
    )
