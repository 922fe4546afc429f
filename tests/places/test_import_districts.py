"""districts_import: boundaries from GeoJSON, matched by code or name, new districts made,
invalid polygons repaired, SWEREF 99 TM converted, addresses moved to their district."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pyproj import Transformer

from places.geometry import district_id_at
from places.models import Address, District

pytestmark = pytest.mark.django_db


def square(lon0, lat0, lon1, lat1) -> list:
    return [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]]


def feature(properties, coordinates, kind="Polygon") -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def run(path, *args) -> str:
    out = StringIO()
    call_command("districts_import", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def address_at(lat, lon, n) -> Address:
    return Address.objects.create(
        street="Storgatan",
        number=str(n),
        lat=lat,
        lon=lon,
        source="csv",
        source_id=f"a{n}",
        search_text=f"storgatan {n}",
    )


def test_two_districts_one_matched_one_new_and_addresses_follow(tmp_path):
    existing = District.objects.create(
        name="Flemingsberg", code="flemingsberg", lat=59.22, lon=17.94
    )
    west = address_at(59.22, 17.94, 1)
    east = address_at(59.225, 18.08, 2)
    east_west_half = address_at(59.225, 18.02, 4)
    nowhere = address_at(59.50, 18.50, 3)
    # A bow tie (self-crossing) is repaired, both its halves kept; a point is no district.
    bowtie = [[[18.0, 59.2], [18.1, 59.25], [18.1, 59.2], [18.0, 59.25], [18.0, 59.2]]]
    path = tmp_path / "kommundelar.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    feature(
                        {"NAMN": "Flemingsberg", "KOD": "Flemingsberg"},
                        square(17.9, 59.2, 17.99, 59.25),
                    ),
                    feature({"NAMN": "Trångsund", "KOD": "trangsund"}, bowtie),
                    feature({"NAMN": "Punkten"}, [18.0, 59.0], kind="Point"),
                ],
            }
        ),
        encoding="utf-8",
    )

    out = run(path, "--name-property", "NAMN", "--code-property", "KOD")

    assert "3 features: 1 districts updated, 1 created, 1 refused" in out
    assert "invalid polygons repaired: Trångsund" in out
    assert "feature 3 (Punkten): not a Polygon or MultiPolygon" in out
    existing.refresh_from_db()
    assert existing.boundary["type"] == "Polygon"
    new = District.objects.get(code="trangsund")
    assert new.name == "Trångsund"
    assert 18.0 < new.lon < 18.1 and 59.2 < new.lat < 59.25  # inside its polygon
    for address in (west, east, east_west_half, nowhere):
        address.refresh_from_db()
    assert west.district == existing and east.district == new and nowhere.district is None
    assert east_west_half.district == new  # the bow tie's other half
    assert "3 addresses moved" in out
    # The running process sees the new boundaries at once.
    assert district_id_at(59.225, 18.08) == new.pk


def test_a_file_in_sweref_is_converted_and_matched_by_name(tmp_path):
    district = District.objects.create(name="Flemingsberg", code="fb", lat=59.22, lon=17.94)
    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    ring = [list(to_sweref.transform(lon, lat)) for lon, lat in square(17.9, 59.2, 17.99, 59.25)[0]]
    path = tmp_path / "k.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
                "features": [feature({"name": "flemingsberg"}, [ring])],
            }
        ),
        encoding="utf-8",
    )

    out = run(path)

    assert "1 districts updated, 0 created" in out
    district.refresh_from_db()
    lons = [p[0] for p in district.boundary["coordinates"][0]]
    lats = [p[1] for p in district.boundary["coordinates"][0]]
    assert min(lons) == pytest.approx(17.9, abs=1e-6) and max(lats) == pytest.approx(
        59.25, abs=1e-6
    )


def test_a_dry_run_changes_nothing(tmp_path):
    address = address_at(59.22, 17.94, 1)
    path = tmp_path / "k.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [feature({"name": "Flemingsberg"}, square(17.9, 59.2, 17.99, 59.25))],
            }
        ),
        encoding="utf-8",
    )
    out = run(path, "--dry-run")
    assert "Dry run, nothing changed" in out and "1 created" in out
    assert not District.objects.exists()
    address.refresh_from_db()
    assert address.district is None


def test_a_file_that_is_no_feature_collection_is_refused(tmp_path):
    path = tmp_path / "k.geojson"
    path.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(CommandError, match="not a GeoJSON FeatureCollection"):
        run(path)


def test_a_district_matched_by_code_takes_the_files_new_name(tmp_path):
    district = District.objects.create(name="Fullersta", code="fullersta", lat=59.24, lon=17.97)
    path = tmp_path / "d.geojson"
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature(
                {"NAMN": "Sjödalen-Fullersta", "KOD": "fullersta"}, square(17.9, 59.2, 18, 59.3)
            )
        ],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")
    out = run(path, "--name-property", "NAMN", "--code-property", "KOD")
    assert "renamed: Fullersta → Sjödalen-Fullersta" in out
    district.refresh_from_db()
    assert district.name == "Sjödalen-Fullersta" and district.boundary is not None
