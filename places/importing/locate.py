"""Districts for a batch of positions at once: point in polygon by shapely's vectorised
calls against the boundaries, loaded and prepared once per import."""

import numpy as np
import shapely

from ..geometry import boundary_shape
from ..models import District


class DistrictLocator:
    """The districts with a boundary, read when made. `ids_at` answers a whole batch."""

    def __init__(self) -> None:
        self.shapes = []
        for pk, geometry in District.objects.exclude(boundary=None).values_list("pk", "boundary"):
            polygon = boundary_shape(geometry)
            shapely.prepare(polygon)
            self.shapes.append((pk, polygon))

    def ids_at(self, lons, lats) -> list[int | None]:
        """The district id of each (lon, lat), None outside every boundary. A point on a
        shared edge goes to the first district that holds it, as places.geometry does."""
        lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        found = np.zeros(len(lons), dtype=np.int64)  # 0: none yet (ids start at 1)
        for pk, polygon in self.shapes:
            open_ = found == 0
            if not open_.any():
                break
            inside = shapely.intersects_xy(polygon, lons[open_], lats[open_])
            found[np.flatnonzero(open_)[inside]] = pk
        return [int(pk) if pk else None for pk in found]
