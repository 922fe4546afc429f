"""addresses_import from OpenStreetMap extracts: .osm written here, .pbf written with
pyosmium's own writer, .osm.bz2; re-import, scoping, dry run and rollback."""

import bz2
from io import StringIO

import osmium
import pytest
from django.core.management import CommandError, call_command

from places.importing.records import Rejected, housenumber_split
from places.models import Address, District
from places.text import search_text

pytestmark = pytest.mark.django_db

# Huddinge: Storvretsvägen and around. A square district around the first two doors.
NODES = [
    # id, lat, lon, tags
    (
        1,
        59.2200,
        17.9400,
        {
            "addr:street": "Storvretsvägen",
            "addr:housenumber": "1B",
            "addr:postcode": "141 52",
            "addr:city": "Flemingsberg",
        },
    ),
    (
        2,
        59.2210,
        17.9410,
        {
            "addr:street": "Storvretsvägen",
            "addr:housenumber": "12 b",
            "addr:postcode": "14152",
            "addr:city": "Flemingsberg",
        },
    ),
    (3, 59.3000, 18.0500, {"addr:street": "Ågatan", "addr:housenumber": "12-14"}),
    # No street: refused.
    (4, 59.3000, 18.0500, {"addr:housenumber": "3"}),
    # Outside Sweden (Berlin): refused.
    (5, 52.5170, 13.3889, {"addr:street": "Unter den Linden", "addr:housenumber": "1"}),
    # Building corners (untagged).
    (10, 59.2500, 17.9000, {}),
    (11, 59.2500, 17.9020, {}),
    (12, 59.2520, 17.9020, {}),
    (13, 59.2520, 17.9000, {}),
]
WAYS = [
    (
        100,
        [10, 11, 12, 13, 10],
        {"building": "yes", "addr:street": "Hälsovägen", "addr:housenumber": "7"},
    )
]


def osm_xml(nodes=NODES, ways=WAYS) -> str:
    def tags(found):
        return "".join(f'<tag k="{k}" v="{v}"/>' for k, v in found.items())

    lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6">']
    for pk, lat, lon, found in nodes:
        lines.append(f'<node id="{pk}" version="1" lat="{lat}" lon="{lon}">{tags(found)}</node>')
    for pk, refs, found in ways:
        nds = "".join(f'<nd ref="{ref}"/>' for ref in refs)
        lines.append(f'<way id="{pk}" version="1">{nds}{tags(found)}</way>')
    lines.append("</osm>")
    return "\n".join(lines)


def pbf_write(path, nodes=NODES, ways=WAYS) -> None:
    writer = osmium.SimpleWriter(str(path))
    try:
        for pk, lat, lon, found in nodes:
            writer.add_node(osmium.osm.mutable.Node(id=pk, location=(lon, lat), tags=found))
        for pk, refs, found in ways:
            writer.add_way(osmium.osm.mutable.Way(id=pk, nodes=refs, tags=found))
    finally:
        writer.close()


def run(path, *args) -> str:
    out = StringIO()
    call_command("addresses_import", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def square(lat0, lon0, lat1, lon1) -> dict:
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize("kind", ["osm", "pbf", "bz2"])
def test_every_address_of_an_extract_is_read_and_bad_ones_refused(tmp_path, kind):
    flemingsberg = District.objects.create(
        name="Flemingsberg",
        code="flemingsberg",
        lat=59.22,
        lon=17.94,
        boundary=square(59.21, 17.93, 59.23, 17.95),
    )
    if kind == "osm":
        path = tmp_path / "huddinge.osm"
        path.write_text(osm_xml(), encoding="utf-8")
    elif kind == "bz2":
        path = tmp_path / "huddinge.osm.bz2"
        path.write_bytes(bz2.compress(osm_xml().encode()))
    else:
        path = tmp_path / "huddinge.osm.pbf"
        pbf_write(path)

    out = run(path, "--municipality", "Huddinge")

    assert "read 6, added 4, updated 0, removed 0, unchanged 0, rejected 2" in out
    assert "no street: 1 (e.g. node 4)" in out
    assert "position outside Sweden: 1 (e.g. node 5)" in out
    rows = {a.source_id: a for a in Address.objects.all()}
    assert set(rows) == {"n1", "n2", "n3", "w100"}
    one = rows["n1"]
    assert (one.street, one.number, one.letter, one.postcode, one.locality) == (
        "Storvretsvägen",
        "1",
        "B",
        "14152",
        "Flemingsberg",
    )
    assert (rows["n2"].number, rows["n2"].letter) == ("12", "B")
    assert (rows["n3"].number, rows["n3"].letter) == ("12-14", "")
    assert one.search_text == search_text("Storvretsvägen", "1", "B", "14152", "Flemingsberg")
    assert all(a.source == "osm" and a.municipality == "Huddinge" for a in rows.values())
    # The building at its centroid: the middle of its square.
    assert rows["w100"].lat == pytest.approx(59.2510, abs=1e-6)
    assert rows["w100"].lon == pytest.approx(17.9010, abs=1e-6)
    # District by polygon; outside every boundary, none.
    assert rows["n1"].district == flemingsberg and rows["n2"].district == flemingsberg
    assert rows["n3"].district is None and rows["w100"].district is None


def test_house_numbers_split_into_number_and_letter():
    assert housenumber_split("12B") == ("12", "B")
    assert housenumber_split("12 b") == ("12", "B")
    assert housenumber_split("12-14") == ("12-14", "")
    assert housenumber_split("12 uppg. 2") == ("12", "uppg. 2")
    with pytest.raises(Rejected):
        housenumber_split("B")


def test_reimport_updates_one_removes_one_and_keeps_the_rest(tmp_path):
    path = tmp_path / "a.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    run(path, "--municipality", "Huddinge")
    kept_pk = Address.objects.get(source_id="n1").pk

    changed = [list(n) for n in NODES if n[0] != 3]  # Ågatan is gone
    changed[1][3] = {**changed[1][3], "addr:postcode": "14153"}  # n2 moves postcode
    path.write_text(osm_xml(nodes=[tuple(n) for n in changed]), encoding="utf-8")
    out = run(path, "--municipality", "Huddinge")

    assert "added 0, updated 1, removed 1, unchanged 2" in out
    assert not Address.objects.filter(source_id="n3").exists()
    two = Address.objects.get(source_id="n2")
    assert two.postcode == "14153" and "14153" in two.search_text
    assert Address.objects.get(source_id="n1").pk == kept_pk  # updated in place, not re-added


def test_importing_one_municipality_never_removes_another(tmp_path):
    Address.objects.create(
        street="Storgatan",
        number="1",
        lat=59.2,
        lon=17.6,
        source="osm",
        source_id="n999",
        municipality="Botkyrka",
        search_text="storgatan 1",
    )
    Address.objects.create(
        street="Gamla",
        number="2",
        lat=59.2,
        lon=17.9,
        source="csv",
        source_id="x1",
        municipality="Huddinge",
        search_text="gamla 2",
    )
    path = tmp_path / "a.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    run(path, "--municipality", "Huddinge")
    path.write_text(osm_xml(nodes=NODES[:1], ways=[]), encoding="utf-8")
    out = run(path, "--municipality", "Huddinge")

    assert "removed 3" in out
    # Botkyrka's OSM row and Huddinge's CSV row are another scope.
    assert Address.objects.filter(source_id="n999", municipality="Botkyrka").exists()
    assert Address.objects.filter(source="csv", source_id="x1").exists()
    assert set(
        Address.objects.filter(source="osm", municipality="Huddinge").values_list(
            "source_id", flat=True
        )
    ) == {"n1"}


def test_a_dry_run_reports_the_same_and_changes_nothing(tmp_path):
    path = tmp_path / "a.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    out = run(path, "--municipality", "Huddinge", "--dry-run")
    assert "Dry run, nothing changed" in out
    assert "read 6, added 4" in out
    assert Address.objects.count() == 0


def test_a_broken_extract_leaves_the_register_as_it_was(tmp_path):
    path = tmp_path / "a.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    run(path, "--municipality", "Huddinge")
    before = sorted(Address.objects.values_list("source_id", "postcode", "search_text"))

    # The same file with one address changed early on and the XML cut off half way.
    broken = osm_xml().replace("141 52", "141 53")
    path.write_text(broken[: broken.index('<way id="100"') + 20], encoding="utf-8")
    with pytest.raises(CommandError, match="nothing changed"):
        run(path, "--municipality", "Huddinge")

    assert sorted(Address.objects.values_list("source_id", "postcode", "search_text")) == before


def test_a_file_that_is_no_extract_is_refused(tmp_path):
    path = tmp_path / "a.shp"
    path.write_bytes(b"\0\0")
    with pytest.raises(CommandError, match="neither an OpenStreetMap extract"):
        run(path)


def test_a_large_file_is_read_in_a_reader_process_with_the_same_result(tmp_path, monkeypatch):
    from places.importing import reading

    monkeypatch.setattr(reading, "READER_PROCESS_MIN_BYTES", 0)
    path = tmp_path / "a.osm.pbf"
    pbf_write(path)
    out = run(path, "--municipality", "Huddinge")
    assert "read 6, added 4, updated 0, removed 0, unchanged 0, rejected 2" in out
    assert set(Address.objects.values_list("source_id", flat=True)) == {"n1", "n2", "n3", "w100"}

    # A broken file fails in the reader; the writer says why and changes nothing.
    broken = tmp_path / "b.osm"
    broken.write_text(osm_xml()[:-200].replace("141 52", "141 53"), encoding="utf-8")
    with pytest.raises(CommandError, match="b.osm, after .*nothing changed"):
        run(broken, "--municipality", "Huddinge")
    assert Address.objects.get(source_id="n1").postcode == "14152"


def test_an_id_that_comes_twice_keeps_its_last_row(tmp_path):
    nodes = [*NODES[:2], (1, 59.2205, 17.9405, {**NODES[0][3], "addr:housenumber": "1C"})]
    path = tmp_path / "a.osm"
    path.write_text(osm_xml(nodes=nodes, ways=[]), encoding="utf-8")
    out = run(path)
    assert "1 ids came more than once: the last row kept" in out
    assert Address.objects.get(source_id="n1").letter == "C"


def test_a_national_extract_keeps_node_positions_in_a_file(tmp_path, monkeypatch):
    from places.importing import osm

    # Past this size the way centroids' node positions live on disk, not in memory.
    monkeypatch.setattr(osm, "LOCATIONS_IN_MEMORY_MAX_BYTES", 0)
    path = tmp_path / "a.osm.pbf"
    pbf_write(path)
    run(path, "--municipality", "Huddinge")
    building = Address.objects.get(source_id="w100")
    assert (building.lat, building.lon) == (pytest.approx(59.2510), pytest.approx(17.9010))
