"""Addresses in volunteer lists: the Adress and Postnummer columns are looked up in the
register in the dry run, each row told where it will be placed; the real run places them so;
an export imports again unchanged, and an edited address is looked up again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from matching.models import Volunteer
from matching.volunteer_csv import volunteers_check, volunteers_export, volunteers_import
from matching.volunteer_positions import AMBIGUOUS, NO_ADDRESS, NOT_FOUND
from tests.conftest import make_user
from tests.factories import address_make, district_make, organisation_make

pytestmark = pytest.mark.django_db

HEADER = "Förnamn;Telefon;Kommundel;Språk;Adress;Postnummer"
DOOR = (59.2201, 17.9402)


@pytest.fixture
def world():
    coordinator = make_user("cora", "coordinator")
    ours = organisation_make(name="Röda Korset", coordinators=[coordinator])
    alby = district_make(name="Alby", code="alby", lat=59.2390, lon=17.8440)
    flemingsberg = district_make(name="Flemingsberg", code="flemingsberg", lat=59.2190, lon=17.9470)
    door = address_make(
        "Storvretsvägen",
        "1",
        letter="B",
        postcode="14152",
        locality="Flemingsberg",
        district=flemingsberg,
        lat=DOOR[0],
        lon=DOOR[1],
    )
    alby_door = address_make(
        "Albyvägen",
        "12",
        postcode="14559",
        locality="Norsborg",
        district=alby,
        lat=59.24,
        lon=17.85,
    )
    for locality, postcode in (("Huddinge", "14130"), ("Tumba", "14730")):
        address_make("Storgatan", "1", postcode=postcode, locality=locality, district=alby)
    return {
        "coordinator": coordinator,
        "ours": ours,
        "alby": alby,
        "flemingsberg": flemingsberg,
        "door": door,
        "alby_door": alby_door,
    }


LIST = "\n".join(
    [
        HEADER,
        "Anna;070-700 00 01;Alby;sv;Albyvägen 12;145 59",  # found, in Alby
        "Bo;070-700 00 02;Alby;sv;Storvretsv. 1B;",  # found, but in Flemingsberg
        "Cem;070-700 00 03;Alby;sv;Xgatan 3;",  # not in the register
        "Dan;070-700 00 04;Alby;sv;Storgatan 1;",  # two localities have it
        "Eva;070-700 00 05;Alby;sv;;",  # no address
        "Fia;070-700 00 06;Alby;sv;Albyvägen 12;1455",  # a postcode that is not one
    ]
).encode()


def test_the_dry_run_says_per_row_where_each_volunteer_will_be(world):
    report = volunteers_check(LIST, organisation=world["ours"])
    anna, bo, cem, dan, eva, fia = report.rows
    assert anna.ok and anna.placing.place == world["alby_door"] and anna.position_notice == ""
    assert (
        bo.placing.place == world["door"] and bo.placing.position.district == world["flemingsberg"]
    )
    assert "Flemingsberg" in bo.position_notice and "Alby" in bo.position_notice
    assert cem.ok and cem.placing.reason == NOT_FOUND and cem.position_unfound
    assert "Xgatan 3" in cem.position_notice
    assert dan.ok and dan.placing.reason == AMBIGUOUS and dan.position_unfound
    assert eva.ok and eva.placing.reason == NO_ADDRESS and not eva.position_unfound
    assert {kind for kind, _m in fia.errors} == {"postcode"}
    assert [r.line for r in report.placed_approximate] == [4, 5, 6]
    assert not Volunteer.objects.exists()


def test_the_import_page_shows_each_rows_position_and_the_real_run_places_them(world, client):
    client.force_login(world["coordinator"])
    ours, alby = world["ours"], world["alby"]
    upload = SimpleUploadedFile("lista.csv", LIST, content_type="text/csv")
    page = client.post(f"/partners/{ours.pk}/import/", {"file": upload}).content.decode()
    page = page.replace("“", "”")
    assert "rad 4: adressen ”Xgatan 3” finns inte i adressregistret: placerad vid " in page
    assert "rad 5: adressen ”Storgatan 1” stämmer med flera adresser i registret" in page
    assert "rad 3: adressen ”Storvretsv. 1B” ligger i Flemingsberg, inte i Alby" in page
    assert "3 volontärer placeras vid kommundelens mitt (ungefärlig)" in page
    assert 'data-kind="postcode"' in page
    assert not Volunteer.objects.exists()
    response = client.post(f"/partners/{ours.pk}/import/", {"confirm": "1", "mode": "valid"})
    assert response.status_code == 302
    people = {v.first_name: v for v in Volunteer.objects.all()}
    assert set(people) == {"Anna", "Bo", "Cem", "Dan", "Eva"}
    anna, bo = people["Anna"], people["Bo"]
    assert anna.place == world["alby_door"] and anna.postcode == "14559"
    assert (anna.lat, anna.lon) == (59.24, 17.85) and not anna.position_approximate
    assert bo.place == world["door"] and (bo.lat, bo.lon) == DOOR
    assert bo.district == world["flemingsberg"] and not bo.position_approximate
    for name in ("Cem", "Dan", "Eva"):
        v = people[name]
        assert v.place is None and v.position_approximate, name
        assert (v.lat, v.lon, v.district) == (alby.lat, alby.lon, alby), name
    assert people["Cem"].address == "Xgatan 3"


def test_an_export_imports_again_unchanged_and_an_edited_address_is_looked_up(world):
    ours = world["ours"]
    good = LIST.decode().splitlines()
    volunteers_import(organisation=ours, data="\n".join(good[:6]).encode(), all_or_nothing=True)
    header, rows = volunteers_export(ours)
    assert header[-2:] == ["Adress", "Postnummer"]
    by_name = {row[0]: row for row in rows}
    assert by_name["Anna"][-2:] == ["Albyvägen 12", "145 59"]
    assert by_name["Cem"][-2:] == ["Xgatan 3", ""]
    # Bo's district followed his door: the export says Flemingsberg.
    assert by_name["Bo"][header.index("Kommundel")] == "Flemingsberg"

    def as_csv(rows) -> bytes:
        return "\n".join(";".join(str(c) for c in row) for row in [header, *rows]).encode()

    report = volunteers_check(as_csv(rows), organisation=ours)
    assert [r.action for r in report.rows] == ["unchanged"] * 5, [r.changes for r in report.rows]
    # Cem's address corrected in the spreadsheet: looked up again, now at the door.
    edited = [
        [*row[:-2], "Storvretsvägen 1B", "141 52"] if row[0] == "Cem" else row for row in rows
    ]
    report = volunteers_check(as_csv(edited), organisation=ours)
    (cem,) = report.updated
    assert {f for f, _o, _n in cem.changes} == {"address", "postcode"}
    assert cem.placing.place == world["door"]
    assert volunteers_import(organisation=ours, data=as_csv(edited), all_or_nothing=True) == 1
    cem = Volunteer.objects.get(first_name="Cem")
    assert cem.place == world["door"] and (cem.lat, cem.lon) == DOOR
    assert cem.district == world["flemingsberg"] and not cem.position_approximate
    # Cleared in a fresh export: back at the (door's) district's centre, approximate.
    _header, rows = volunteers_export(ours)
    cleared = [[*row[:-2], "", ""] if row[0] == "Cem" else row for row in rows]
    volunteers_import(organisation=ours, data=as_csv(cleared), all_or_nothing=True)
    cem.refresh_from_db()
    flemingsberg = world["flemingsberg"]
    assert cem.place is None and cem.position_approximate and cem.address == ""
    assert (cem.lat, cem.lon) == (flemingsberg.lat, flemingsberg.lon)


def test_a_list_without_the_address_columns_leaves_addresses_as_they_are(world):
    ours = world["ours"]
    volunteers_import(
        organisation=ours,
        data=f"{HEADER}\nBo;070-700 00 02;Flemingsberg;sv;Storvretsvägen 1B;".encode(),
        all_or_nothing=True,
    )
    # An old-style list that changes only the languages.
    report = volunteers_check(
        "Förnamn;Telefon;Språk\nBo;070-700 00 02;sv, ar".encode(), organisation=ours
    )
    (bo,) = report.updated
    assert bo.placing is None
    volunteers_import(
        organisation=ours,
        data="Förnamn;Telefon;Språk\nBo;070-700 00 02;sv, ar".encode(),
        all_or_nothing=True,
    )
    bo = Volunteer.objects.get(first_name="Bo")
    assert bo.languages == {"sv", "ar"} and bo.place == world["door"]
    assert bo.address == "Storvretsvägen 1B" and not bo.position_approximate


def test_english_headers_are_read_too(world):
    data = "First name,Phone,Languages,Address,Postcode\nEmre,070-700 00 09,sv,Albyvägen 12,14559\n"
    (row,) = volunteers_check(data.encode(), organisation=world["ours"]).rows
    assert row.ok and row.placing.place == world["alby_door"]
    # No district given: the door's district.
    assert row.placing.position.district == world["alby"]
