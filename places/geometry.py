"""Where a point lies: the district of a position, by its boundary (point in polygon)."""

import threading
import time

import shapely
from shapely import prepared
from shapely.geometry import MultiPolygon, Point, Polygon, shape

from .models import District

# Boundaries change only by `districts_import`; each process reads them again after this.
BOUNDARIES_TTL_S = 60.0

_lock = threading.Lock()
_cache: dict = {"at": 0.0, "shapes": []}


def polygon_repair(polygon):
    """A valid (Multi)Polygon covering what the drawn one meant. A ring that crosses itself
    (a bow tie) keeps both its halves: make_valid splits it, where buffer(0) would drop one.
    Lines and points that repair leaves over are no area and go."""
    if polygon.is_valid:
        return polygon
    fixed = shapely.make_valid(polygon)
    parts = getattr(fixed, "geoms", [fixed])
    areas = [p for p in parts if isinstance(p, Polygon | MultiPolygon) and not p.is_empty]
    return shapely.union_all(areas) if areas else Polygon()


def boundary_shape(geometry: dict):
    """A GeoJSON geometry as a valid shapely shape (see polygon_repair)."""
    return polygon_repair(shape(geometry))


def _shapes() -> list:
    with _lock:
        if time.monotonic() - _cache["at"] > BOUNDARIES_TTL_S:
            rows = District.objects.exclude(boundary=None).values_list("pk", "boundary")
            _cache["shapes"] = [
                (pk, prepared.prep(boundary_shape(geometry))) for pk, geometry in rows
            ]
            _cache["at"] = time.monotonic()
        return _cache["shapes"]


def boundaries_forget() -> None:
    """Read the boundaries again on the next lookup (after an import, in this process)."""
    with _lock:
        _cache["at"] = 0.0


def district_id_at(lat: float, lon: float) -> int | None:
    """The district whose boundary holds (lat, lon), or None outside every boundary."""
    point = Point(lon, lat)
    for pk, polygon in _shapes():
        if polygon.covers(point):
            return pk
    return None


def district_at(lat: float, lon: float) -> District | None:
    pk = district_id_at(lat, lon)
    return District.objects.get(pk=pk) if pk is not None else None
