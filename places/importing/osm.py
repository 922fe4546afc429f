"""Addresses from an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2), read with pyosmium.

An address is a node, a building way (placed at its centroid) or a multipolygon relation
(placed at its area's centroid) carrying addr:street and addr:housenumber. Osmium's own
filter drops everything else in C++, so Python only sees the objects that are addresses.
"""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import osmium

from .records import Found, Refused

SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz")

# Way centroids need their nodes' positions. osmium's "flex_mem" index keeps every node's
# position in memory (16 bytes a node in its sparse form): fine for a county. A national
# extract has some 100 million nodes, so past this size the index lives in a file in the
# temp directory instead and memory stays bounded (the kernel pages it in and out).
LOCATIONS_IN_MEMORY_MAX_BYTES = 400 * 1024 * 1024


def osm_file(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def ring_centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The centroid (lon, lat) of a way's outline; an open way or a degenerate ring gets
    the mean of its nodes."""
    if len(points) > 3 and points[0] == points[-1]:
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if abs(area) > 1e-14:
            return cx / (3 * area), cy / (3 * area)
        points = points[:-1]
    return (
        sum(x for x, _ in points) / len(points),
        sum(y for _, y in points) / len(points),
    )


def osm_records(path: Path) -> Iterator[Found | Refused]:
    """Every address in the extract, in file order."""
    with tempfile.TemporaryDirectory(prefix="samhjalp-osm-") as scratch:
        storage = "flex_mem"
        if path.stat().st_size > LOCATIONS_IN_MEMORY_MAX_BYTES:
            storage = f"sparse_file_array,{scratch}/locations"
        wanted = osmium.filter.KeyFilter("addr:housenumber")
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations(storage)
            .with_areas(osmium.filter.KeyFilter("addr:housenumber"))
            .with_filter(wanted)
        )
        wkb = osmium.geom.WKBFactory()
        for item in processor:
            if item.is_node():
                try:
                    kind, lon, lat = "node", item.lon, item.lat
                except osmium.InvalidLocationError:
                    # lat="95.0": no place on Earth, refused like a position outside Sweden.
                    yield Refused(f"node {item.id}", "position not understood")
                    continue
                source_id = f"n{item.id}"
            elif item.is_way():
                kind, source_id = "way", f"w{item.id}"
                try:
                    points = [(n.lon, n.lat) for n in item.nodes]
                except osmium.InvalidLocationError:
                    points = []
                if not points:
                    yield Refused(f"way {item.id}", "way without node positions")
                    continue
                lon, lat = ring_centroid(points)
            elif item.is_area():
                # A closed way comes again as an area: it is placed as a way above.
                if item.from_way():
                    continue
                kind, source_id = "relation", f"r{item.orig_id()}"
                # Few addresses are relations: shapely (and numpy) only when one comes.
                import shapely

                try:
                    centre = shapely.from_wkb(wkb.create_multipolygon(item)).centroid
                except RuntimeError:
                    yield Refused(f"relation {item.orig_id()}", "relation without a shape")
                    continue
                lon, lat = centre.x, centre.y
            else:
                continue  # a relation itself: its area follows
            tags = item.tags
            yield Found(
                origin=f"{kind} {item.orig_id() if kind == 'relation' else item.id}",
                source_id=source_id,
                street=tags.get("addr:street", ""),
                housenumber=tags.get("addr:housenumber", ""),
                letter="",
                postcode=tags.get("addr:postcode", ""),
                locality=tags.get("addr:city", ""),
                municipality=tags.get("addr:municipality", ""),
                lat=lat,
                lon=lon,
            )
