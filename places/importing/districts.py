"""District boundaries from a GeoJSON FeatureCollection, and the register's addresses
moved to the districts their positions now fall in."""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.db import connection, transaction
from django.utils.text import slugify
from pyproj import Transformer
from shapely.geometry import mapping, shape

from ..geometry import boundaries_forget, polygon_repair
from ..models import Address, District
from .locate import DistrictLocator

ASSIGN_BATCH = 5000
SWEREF_NAMES = ("EPSG:3006", "EPSG::3006", "urn:ogc:def:crs:EPSG::3006", "SWEREF99 TM")


class DistrictsFailed(Exception):
    """The file could not be imported; nothing was changed."""


@dataclass
class DistrictsSummary:
    dry_run: bool = False
    features: int = 0
    updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # "Old → New"
    refused: list[str] = field(default_factory=list)  # "feature 3: no name or code"
    without_boundary: list[str] = field(default_factory=list)
    addresses_moved: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            f"{'Dry run, nothing changed: ' if self.dry_run else ''}{self.features} features: "
            f"{len(self.updated)} districts updated, {len(self.created)} created, "
            f"{len(self.refused)} refused",
        ]
        if self.created:
            out.append(f"  created: {', '.join(self.created)}")
        if self.renamed:
            out.append(f"  renamed: {', '.join(self.renamed)}")
        if self.repaired:
            out.append(f"  invalid polygons repaired: {', '.join(self.repaired)}")
        out += [f"  refused {reason}" for reason in self.refused]
        if self.without_boundary:
            out.append(f"  districts still without a boundary: {', '.join(self.without_boundary)}")
        out.append(f"{self.addresses_moved} addresses moved to another district")
        out.append(f"{self.seconds:.1f} s")
        return out


def crs_is_sweref(collection: dict) -> bool:
    name = str(((collection.get("crs") or {}).get("properties") or {}).get("name", ""))
    return any(name.upper().endswith(n.upper()) for n in SWEREF_NAMES)


def to_wgs84(geometry):
    transformer = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)

    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, convert)


def districts_import(
    path: Path | str,
    *,
    name_property: str = "name",
    code_property: str = "code",
    dry_run: bool = False,
) -> DistrictsSummary:
    """Set each feature's polygon as its district's boundary (matched by code, then name),
    create the districts that are new, then move addresses to their districts."""
    path = Path(path)
    started = time.monotonic()
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise DistrictsFailed(f"{path.name}: {error}") from error
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DistrictsFailed(f"{path.name}: not a GeoJSON FeatureCollection")
    sweref = crs_is_sweref(collection)
    summary = DistrictsSummary(dry_run=dry_run)
    seen: set[int] = set()
    with transaction.atomic():
        for number, feature in enumerate(collection.get("features") or [], start=1):
            summary.features += 1
            properties = (feature or {}).get("properties") or {}
            name = str(properties.get(name_property) or "").strip()
            code = slugify(str(properties.get(code_property) or "")) or slugify(name)
            label = f"feature {number} ({name or code or 'unnamed'})"
            if not code:
                summary.refused.append(f"{label}: no {name_property} or {code_property}")
                continue
            geometry = (feature or {}).get("geometry") or {}
            if geometry.get("type") not in ("Polygon", "MultiPolygon"):
                summary.refused.append(f"{label}: not a Polygon or MultiPolygon")
                continue
            try:
                polygon = shape(geometry)
            except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError):
                summary.refused.append(f"{label}: coordinates not understood")
                continue
            if sweref:
                polygon = to_wgs84(polygon)
            if not polygon.is_valid:
                polygon = polygon_repair(polygon)
                summary.repaired.append(name or code)
            if polygon.is_empty or polygon.area == 0:
                summary.refused.append(f"{label}: an empty polygon")
                continue
            district = District.objects.filter(code=code).first() or (
                District.objects.filter(name__iexact=name).first() if name else None
            )
            if district is not None and district.pk in seen:
                summary.refused.append(f"{label}: {district.name} came earlier in the file")
                continue
            boundary = json.loads(json.dumps(mapping(polygon)))  # tuples to lists
            if district is None:
                if not name:
                    summary.refused.append(f"{label}: a new district needs a {name_property}")
                    continue
                centre = polygon.representative_point()
                district = District.objects.create(
                    name=name[:80], code=code[:40], lat=centre.y, lon=centre.x, boundary=boundary
                )
                summary.created.append(district.name)
            else:
                district.boundary = boundary
                fields = ["boundary"]
                # Matched by its code, a district renamed in the file is renamed here, unless
                # another district already has the name.
                renamed = name[:80]
                if (
                    renamed
                    and renamed != district.name
                    and not District.objects.filter(name=renamed).exclude(pk=district.pk).exists()
                ):
                    summary.renamed.append(f"{district.name} → {renamed}")
                    district.name = renamed
                    fields.append("name")
                district.save(update_fields=fields)
                summary.updated.append(district.name)
            seen.add(district.pk)
        summary.without_boundary = list(
            District.objects.filter(boundary=None).values_list("name", flat=True)
        )
        boundaries_forget()
        summary.addresses_moved = address_districts_assign()
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        boundaries_forget()  # the cache may have read the rolled-back boundaries
    summary.seconds = time.monotonic() - started
    return summary


def address_districts_assign() -> int:
    """Give every address of the register the district its position falls in (None
    outside every boundary), in batches by id; how many changed."""
    locator = DistrictLocator()
    moved = 0
    after = 0
    while True:
        rows = list(
            Address.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "lon", "lat", "district_id")[:ASSIGN_BATCH]
        )
        if not rows:
            return moved
        after = rows[-1][0]
        found = locator.ids_at([r[1] for r in rows], [r[2] for r in rows])
        changes = [(new, r[0]) for r, new in zip(rows, found, strict=True) if new != r[3]]
        if changes:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE places_address SET district_id = %s WHERE id = %s", changes
                )
            moved += len(changes)
