"""Where a point lies: the district of a position, by its boundary (point in polygon)."""

import threading
import time

from shapely import prepared
from shapely.geometry import Point, shape

from .models import District

# Boundaries change only by `districts_import`; each process reads them again after this.
BOUNDARIES_TTL_S = 60.0

_lock = threading.Lock()
_cache: dict = {"at": 0.0, "shapes": []}


def boundary_shape(geometry: dict):
    """A GeoJSON geometry as a valid shapely shape (a self-touching ring is repaired)."""
    found = shape(geometry)
    return found if found.is_valid else found.buffer(0)


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
