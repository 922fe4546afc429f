"""addresses_import from CSV registers: both separators, UTF-8 (with BOM) and cp1252,
Swedish and English headers, WGS 84 and SWEREF 99 TM, and the rows that are refused."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pyproj import Transformer

from places.importing.reading import BATCH
from places.models import Address, District

pytestmark = pytest.mark.django_db

# Storvretsvägen 1B, Flemingsberg, in SWEREF 99 TM (east, north).
TO_SWEREF = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
EAST, NORTH = TO_SWEREF.transform(17.9400, 59.2200)


def run(path, *args) -> str:
    out = StringIO()
    call_command("addresses_import", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_lantmateriet_export_in_utf8_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "adresser.csv"
    path.write_text(
        "Adressplats-id;Adressområde;Adressplatsnummer;Bokstav;Postnummer;Postort;Kommun;"
        "Latitud;Longitud\n"
        "a1;Storvretsvägen;1;B;141 52;Flemingsberg;Huddinge;59,2200;17,9400\n"
        "a2;Ålgränd;3;;14152;Flemingsberg;Huddinge;59.2210;17.9410\n"
        "a3;;4;;14152;Flemingsberg;Huddinge;59.2210;17.9410\n"  # no street
        "a4;Ålgränd;5;;14152;Flemingsberg;Huddinge;norr;17.9410\n"  # coordinates
        "a5;Ålgränd;7;;14152;Flemingsberg;Huddinge;52.5;13.4\n",  # Berlin
        encoding="utf-8-sig",
    )
    out = run(path)

    assert "csv addresses for Huddinge" in out
    assert "read 5, added 2, updated 0, removed 0, unchanged 0, rejected 3" in out
    assert "no street: 1 (e.g. line 4)" in out
    assert "coordinates not understood: 1 (e.g. line 5)" in out
    assert "position outside Sweden: 1 (e.g. line 6)" in out
    one = Address.objects.get(source_id="huddinge/a1")
    assert (one.street, one.number, one.letter, one.postcode, one.municipality) == (
        "Storvretsvägen",
        "1",
        "B",
        "14152",
        "Huddinge",
    )
    assert (one.lat, one.lon) == (59.22, 17.94)
    assert one.search_text == "storvretsvagen 1b 14152 flemingsberg"
    assert Address.objects.get(source_id="huddinge/a2").search_text.startswith("algrand 3")


@pytest.mark.parametrize(
    "header", ["Street,Number,Postcode,City,x,y", "Gata,Nummer,Postnummer,Ort,N,E"]
)
def test_a_municipal_register_in_cp1252_with_commas_and_sweref(tmp_path, header):
    path = tmp_path / "register.csv"
    path.write_bytes(
        (
            f"{header}\n"
            f"Storvretsvägen,1B,14152,Flemingsberg,{NORTH:.2f},{EAST:.2f}\n"
            f"Åkervägen,12 b,14152,Flemingsberg,{NORTH + 100:.2f},{EAST + 100:.2f}\n"
            f"Östra gatan,2,14152,Flemingsberg,{NORTH:.2f},59.22\n"  # one in degrees
        ).encode("cp1252")
    )
    out = run(path, "--municipality", "Huddinge")

    assert "read 3, added 2" in out and "coordinates not understood: 1 (e.g. line 4)" in out
    door = Address.objects.get(street="Storvretsvägen")
    assert (door.number, door.letter) == ("1", "B")
    assert door.lat == pytest.approx(59.22, abs=1e-6) and door.lon == pytest.approx(17.94, abs=1e-6)
    assert Address.objects.get(street="Åkervägen").search_text == (
        "akervagen 12b 14152 flemingsberg"
    )
    assert set(Address.objects.values_list("municipality", flat=True)) == {"Huddinge"}


def test_rows_without_an_id_keep_theirs_from_one_import_to_the_next(tmp_path):
    path = tmp_path / "register.csv"
    rows = (
        "Gata;Nummer;Postnummer;Lat;Lon\n"
        "Storgatan;1;14152;59.22;17.94\n"
        "Storgatan;2;14152;59.23;17.95\n"
    )
    path.write_text(rows, encoding="utf-8")
    run(path, "--municipality", "Huddinge")
    ids = set(Address.objects.values_list("source_id", flat=True))

    path.write_text(rows.replace("59.23;17.95", "59.231;17.951"), encoding="utf-8")
    out = run(path, "--municipality", "Huddinge")

    assert "added 0, updated 1, removed 0, unchanged 1" in out
    assert set(Address.objects.values_list("source_id", flat=True)) == ids


def test_rows_of_another_municipality_are_left_out_when_one_is_named(tmp_path):
    path = tmp_path / "lan.csv"
    path.write_text(
        "Id;Gata;Nummer;Kommun;Lat;Lon\n"
        "1;Storgatan;1;Huddinge;59.22;17.94\n"
        "2;Storgatan;1;Botkyrka;59.20;17.80\n",
        encoding="utf-8",
    )
    out = run(path, "--municipality", "huddinge")
    assert "not in huddinge: 1 (e.g. line 3)" in out
    assert list(Address.objects.values_list("source_id", flat=True)) == ["huddinge/1"]


def test_addresses_get_their_district_by_its_boundary(tmp_path):
    ring = [[17.93, 59.21], [17.95, 59.21], [17.95, 59.23], [17.93, 59.23], [17.93, 59.21]]
    inside = District.objects.create(
        name="Flemingsberg",
        code="flemingsberg",
        lat=59.22,
        lon=17.94,
        boundary={"type": "Polygon", "coordinates": [ring]},
    )
    path = tmp_path / "register.csv"
    path.write_text(
        "Id,Street,Number,lat,lon\n1,Storgatan,1,59.22,17.94\n2,Storgatan,3,59.30,18.05\n",
        encoding="utf-8",
    )
    run(path)
    assert Address.objects.get(source_id="1").district == inside
    assert Address.objects.get(source_id="2").district is None


def test_an_error_mid_file_rolls_everything_back(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("Id;Gata;Nummer;Lat;Lon\n1;Storgatan;1;59.22;17.94\n", encoding="utf-8")
    run(path)
    before = list(Address.objects.values_list("source_id", "street"))

    # Many good rows (more than one staging batch), then one the csv module cannot read.
    rows = BATCH + 2000
    good = "".join(f"{n};Nygatan;{n};59.22;17.94\n" for n in range(2, rows + 2))
    path.write_bytes(f"Id;Gata;Nummer;Lat;Lon\n{good}".encode() + b'x;"Ny"gatan;1;59;17\n')
    with pytest.raises(CommandError, match="nothing changed"):
        run(path)

    assert list(Address.objects.values_list("source_id", "street")) == before
    # Nothing of the failed run is left over: the same rows without the bad one import.
    path.write_text(f"Id;Gata;Nummer;Lat;Lon\n{good}", encoding="utf-8")
    assert f"added {rows}, updated 0, removed 1" in run(path)


def test_a_header_without_the_needed_columns_is_refused(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("Namn;Telefon\nAnna;08-123\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column for street, number, the coordinates"):
        run(path)


def test_two_municipal_registers_with_the_same_ids_stay_apart(tmp_path):
    huddinge, botkyrka = tmp_path / "huddinge.csv", tmp_path / "botkyrka.csv"
    huddinge.write_text("Id;Gata;Nummer;Lat;Lon\n1;Storgatan;1;59.22;17.94\n", encoding="utf-8")
    botkyrka.write_text("Id;Gata;Nummer;Lat;Lon\n1;Tumba torg;3;59.20;17.83\n", encoding="utf-8")
    run(huddinge, "--municipality", "Huddinge")
    out = run(botkyrka, "--municipality", "Botkyrka")

    assert "added 1, updated 0, removed 0" in out
    assert sorted(Address.objects.values_list("municipality", "street")) == [
        ("Botkyrka", "Tumba torg"),
        ("Huddinge", "Storgatan"),
    ]
