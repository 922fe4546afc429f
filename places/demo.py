"""A made-up address register and made-up district boundaries for the demo, so that address
search, door positions and maps work in `make run`. Nothing here is a real address: the
streets are invented near each district's centre and carry source "demo"."""

import math
import random

import shapely
from shapely import affinity
from shapely.geometry import MultiPoint, Point, mapping

from .geometry import boundaries_forget, district_id_at
from .models import Address, District
from .text import search_text

DEMO_SOURCE = "demo"
MUNICIPALITY = "Huddinge"
KM_PER_DEGREE = 111.195

# The postort of a district where it has its own; the rest are "Huddinge".
LOCALITIES = {
    "flemingsberg": "Flemingsberg",
    "visattra": "Flemingsberg",
    "varby": "Vårby",
    "masmo": "Vårby",
    "skogas": "Skogås",
    "trangsund": "Trångsund",
    "segeltorp": "Segeltorp",
    "kungens-kurva": "Kungens Kurva",
}
# The first street of a district, named as people there would expect.
FIRST_STREETS = {
    "flemingsberg": "Storvretsvägen",
    "visattra": "Visättravägen",
    "varby": "Vårby allé",
    "skogas": "Skogåsvägen",
    "trangsund": "Trångsundsvägen",
    "stuvsta": "Stuvstavägen",
    "sjodalen-fullersta": "Sjödalsvägen",
    "glomsta": "Glömstavägen",
    "masmo": "Masmovägen",
    "segeltorp": "Segeltorpsvägen",
    "lanna": "Lännavägen",
    "huddinge-centrum": "Kommunalvägen",
    "vistaberg": "Vistabergsvägen",
    "snattringe": "Snättringevägen",
    "kungens-kurva": "Kurvvägen",
}
PREFIXES = [
    "Björk",
    "Lönn",
    "Ek",
    "Rönn",
    "Hassel",
    "Asp",
    "Sjö",
    "Berg",
    "Äng",
    "Lärk",
    "Sol",
    "Gran",
    "Tall",
    "Al",
    "Hägg",
    "Lind",
    "Ljung",
    "Mossen",
    "Klöver",
    "Vitsippe",
    "Blåbärs",
    "Lingon",
    "Smed",
    "Kvarn",
    "Skol",
    "Kyrk",
    "Park",
    "Torg",
    "Dal",
    "Höjd",
    "Back",
    "Råg",
    "Havre",
    "Korn",
    "Lin",
    "Humle",
    "Syren",
    "Jasmin",
    "Tulpan",
    "Ros",
    "Viol",
    "Nejlike",
    "Pil",
    "Oxel",
    "Idegran",
    "Ask",
    "Hallon",
    "Vinbärs",
    "Krusbärs",
    "Plommon",
    "Päron",
    "Äppel",
    "Körsbärs",
    "Fjäril",
    "Svan",
    "Trast",
    "Lärka",
    "Orre",
    "Tjäder",
    "Duvhök",
    "Uggle",
    "Räv",
    "Hjort",
    "Älg",
    "Bäver",
    "Utter",
    "Ekorr",
    "Igelkott",
]
SUFFIXES = ["vägen", "vägen", "gatan", "stigen", "gränd", "backen", "slingan"]
STREETS_PER_DISTRICT = 6


def _boundaries(districts: list[District]) -> dict[int, dict]:
    """Voronoi cells of the district centres, clipped to the area around them: made-up
    boundaries that tile the demo municipality without gaps or overlaps. Computed with
    longitude scaled by cos(latitude), so the cells are fair in kilometres."""
    mid = math.radians(sum(d.lat for d in districts) / len(districts))
    squeeze = math.cos(mid)
    points = MultiPoint([(d.lon * squeeze, d.lat) for d in districts])
    outline = points.convex_hull.buffer(0.025)
    cells = shapely.voronoi_polygons(points, extend_to=outline.envelope)
    found = {}
    for cell in cells.geoms:
        clipped = cell.intersection(outline)
        for district in districts:
            if clipped.covers(Point(district.lon * squeeze, district.lat)):
                shape = affinity.scale(clipped, xfact=1 / squeeze, yfact=1, origin=(0, 0))
                found[district.pk] = mapping(shapely.set_precision(shape, 1e-6))
    return found


def _offset(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    return (
        lat + north_km / KM_PER_DEGREE,
        lon + east_km / (KM_PER_DEGREE * math.cos(math.radians(lat))),
    )


def demo_register_seed(districts: list[District], rng: random.Random) -> int:
    """Boundaries for the districts without one and a register of demo streets, once.
    Returns the number of addresses added."""
    missing = [d for d in districts if d.boundary is None]
    if missing and len(missing) == len(districts):
        for district in districts:
            district.boundary = _boundaries(districts).get(district.pk)
        District.objects.bulk_update(districts, ["boundary"])
        boundaries_forget()
    if Address.objects.filter(source=DEMO_SOURCE).exists():
        return 0
    names = iter(rng.sample([p + s.lstrip() for p in PREFIXES for s in SUFFIXES], k=200))
    rows = []
    used = set()
    for index, district in enumerate(sorted(districts, key=lambda d: d.code)):
        locality = LOCALITIES.get(district.code, MUNICIPALITY)
        postcode_base = 14131 + index * 13
        streets = [FIRST_STREETS.get(district.code)] + [None] * (STREETS_PER_DISTRICT - 1)
        for number_of_street, street in enumerate(streets):
            street = street or next(n for n in names if n.lower() not in used)
            used.add(street.lower())
            postcode = str(postcode_base + number_of_street * 2)
            # A street: a straight line from near the centre, numbers along both sides.
            start = _offset(district.lat, district.lon, *_scatter(rng, 0.6))
            heading = rng.random() * 2 * math.pi
            houses = rng.randint(10, 36)
            for number in range(1, houses + 1):
                along = 0.012 * number
                side = 0.012 if number % 2 else -0.012
                lat, lon = _offset(
                    start[0],
                    start[1],
                    along * math.cos(heading) - side * math.sin(heading),
                    along * math.sin(heading) + side * math.cos(heading),
                )
                letters = ["A", "B"] if number % 7 == 3 else [""]
                for step, letter in enumerate(letters):
                    rows.append(
                        Address(
                            street=street,
                            number=str(number),
                            letter=letter,
                            postcode=postcode,
                            locality=locality,
                            municipality=MUNICIPALITY,
                            lat=round(lat + step * 0.00008, 6),
                            lon=round(lon, 6),
                            source=DEMO_SOURCE,
                            source_id=f"{district.code}:{street}:{number}{letter}",
                            search_text=search_text(
                                street, str(number), letter, postcode, locality
                            ),
                        )
                    )
    for row in rows:
        row.district_id = district_id_at(row.lat, row.lon)
    Address.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _scatter(rng: random.Random, km: float) -> tuple[float, float]:
    r = km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    return r * math.cos(angle), r * math.sin(angle)
