"""Addresses from a CSV register: the municipality's own or a Lantmäteriet address export.

Separator `;` or `,` (sniffed), UTF-8 with or without BOM or cp1252 (tried in that order),
Swedish or English headers, positions in WGS 84 or SWEREF 99 TM (EPSG:3006), told apart by
the header names and, row by row, by the values' range.
"""

import codecs
import csv
import hashlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..text import fold
from .records import LAT_MAX, LAT_MIN, Found, Refused

# Header names (folded, spaces and dashes removed) for each field.
HEADERS = {
    "street": {"gatunamn", "gata", "adressomrade", "adressomradesnamn", "street", "streetname"},
    "number": {"nummer", "adressplatsnummer", "husnummer", "number", "housenumber", "nr"},
    "letter": {"bokstav", "letter", "entrance", "uppgang", "littera"},
    "postcode": {"postnummer", "postnr", "postcode", "postalcode", "zip", "zipcode"},
    "locality": {"postort", "ort", "locality", "city"},
    "municipality": {"kommun", "kommunnamn", "municipality"},
    "id": {"id", "adressplatsid", "uuid", "objektidentitet", "adressid"},
    "lat": {"lat", "latitude", "latitud"},
    "lon": {"lon", "lng", "long", "longitude", "longitud"},
    "north": {"n", "nord", "northing"},
    "east": {"e", "ost", "east", "easting"},
    # Swedish surveying writes x for northing and y for easting, GIS tools the other way
    # round: the values' range decides (a northing in Sweden is over a million metres).
    "x": {"x"},
    "y": {"y"},
}
PAIRS = (("lat", "lon"), ("north", "east"), ("x", "y"))

CHUNK = 1 << 20


@cache
def sweref_transformer():
    """SWEREF 99 TM to WGS 84, created once: building a transformer costs milliseconds,
    using one microseconds. Loaded on first use, so that reading an OSM extract does not
    carry pyproj's projection database in memory."""
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def encoding_detect(path: Path) -> str:
    """ "utf-8-sig" when the whole file decodes as UTF-8 (a BOM or none), else "cp1252".
    Read through once in chunks: a cp1252 file may be plain ASCII for its first thousand
    rows and then meet "Åkervägen"."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as raw:
        try:
            while chunk := raw.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def separator_detect(sample: str) -> str:
    first = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        return ";" if first.count(";") >= first.count(",") else ","


def header_key(name: str) -> str:
    return fold(name).replace(" ", "").replace("_", "")


def columns_find(header: list[str]) -> dict[str, int]:
    """{field: column index} for the header's names the register knows."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        for field, names in HEADERS.items():
            if key in names and field not in found:
                found[field] = index
    return found


def number_read(text: str) -> float:
    """ "59,3293" (decimal comma), "6 579 000" (spaced thousands) and "59.3293"."""
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def position_read(first: float, second: float, pair: str) -> tuple[float, float]:
    """(lat, lon) from a pair of columns, by the values' range: degrees or SWEREF 99 TM
    metres, and which of the two is north."""
    if abs(first) <= 180 and abs(second) <= 180:
        # Degrees. Sweden's latitudes (55-69) and longitudes (10-24) do not overlap, so
        # swapped columns are seen; x/y in degrees is GIS order (x = longitude).
        if LAT_MIN - 1 <= second <= LAT_MAX + 1 and not LAT_MIN - 1 <= first <= LAT_MAX + 1:
            return second, first
        if pair == "x" and not LAT_MIN - 1 <= first <= LAT_MAX + 1:
            return second, first
        return first, second
    if abs(first) > 1000 and abs(second) > 1000:
        north, east = (first, second) if first > second else (second, first)
        lon, lat = sweref_transformer().transform(east, north)
        return lat, lon
    raise ValueError("one coordinate in degrees and one in metres")


def source_id_make(*parts: str) -> str:
    """A stable id for a row the file gives none: the same door gets the same id in the
    next year's file, so a re-import updates it instead of adding it again."""
    key = "|".join(fold(part) for part in parts)
    return "h" + hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def csv_records(path: Path) -> Iterator[Found | Refused]:
    """Every row of the register, in file order. A file without street, number and a
    coordinate pair in its header raises ValueError: nothing of it can be read."""
    encoding = encoding_detect(path)
    with path.open(encoding=encoding, newline="") as text:
        sample = text.read(64 * 1024)
        text.seek(0)
        # Strict: a stray quote shifts every later column, and a register read shifted is
        # worse than one not read at all.
        reader = csv.reader(text, delimiter=separator_detect(sample), strict=True)
        header = next(reader, None)
        if header is None:
            raise ValueError("the file is empty")
        columns = columns_find(header)
        pair = next((p for p in PAIRS if p[0] in columns and p[1] in columns), None)
        missing = [f for f in ("street", "number") if f not in columns]
        if missing or pair is None:
            raise ValueError(
                "the header has no column for "
                + ", ".join(missing + ([] if pair else ["the coordinates"]))
                + f" (found: {', '.join(header)})"
            )
        width = len(header)

        def cell(row: list[str], field: str) -> str:
            index = columns.get(field)
            return row[index].strip() if index is not None and index < len(row) else ""

        for row in reader:
            origin = f"line {reader.line_num}"
            if not any(value.strip() for value in row):
                continue
            if len(row) < width and len(row) <= max(columns.values()):
                yield Refused(origin, "fewer columns than the header")
                continue
            try:
                first = number_read(cell(row, pair[0]))
                second = number_read(cell(row, pair[1]))
                lat, lon = position_read(first, second, pair[0])
            except ValueError:
                yield Refused(origin, "coordinates not understood")
                continue
            street, number = cell(row, "street"), cell(row, "number")
            letter, postcode = cell(row, "letter"), cell(row, "postcode")
            municipality = cell(row, "municipality")
            source_id = cell(row, "id") or source_id_make(
                municipality, street, number, letter, postcode
            )
            yield Found(
                origin=origin,
                source_id=source_id,
                street=street,
                housenumber=number,
                letter=letter,
                postcode=postcode,
                locality=cell(row, "locality"),
                municipality=municipality,
                lat=lat,
                lon=lon,
            )
