"""Volunteer lists as organisations keep them: every error kind, encodings, separators,
all or nothing."""

import pytest

from matching.models import Volunteer
from matching.volunteer_csv import CsvError, volunteers_check, volunteers_export, volunteers_import
from tests.factories import district_make, mobile, organisation_make, volunteer_make

pytestmark = pytest.mark.django_db

SWEDISH_HEADER = "Förnamn;Efternamn;Telefon;Kommundel;Språk;Uppdrag;Kontrollerad;Max avstånd (km)"


@pytest.fixture
def alby():
    return district_make(name="Alby", code="alby")


@pytest.fixture
def organisation(alby):
    return organisation_make()


def kinds(row) -> set[str]:
    return {kind for kind, _message in row.errors}


def test_swedish_excel_export_cp1252_semicolons_decimal_comma(alby):
    text = (
        f"{SWEDISH_HEADER}\r\n"
        "Åsa;Öberg;070-111 22 33;Alby;svenska, arabiska;handla, apotek;ja;2,5\r\n"
    )
    report = volunteers_check(text.encode("cp1252"))
    assert report.encoding == "cp1252" and report.delimiter == ";"
    (row,) = report.rows
    assert row.ok, row.errors
    assert row.values["first_name"] == "Åsa" and row.values["last_name"] == "Öberg"
    assert row.values["phone"] == "+46701112233"
    assert row.values["languages"] == {"sv", "ar"}
    assert row.values["skills"] == {"groceries", "pharmacy"}
    assert row.values["max_distance_km"] == 2.5 and row.values["vetted"] is True
    assert row.values["district"] == alby


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_and_without_bom_and_english_headers_with_commas(alby, bom):
    text = (
        "First name,Last name,Phone,District,Languages,Skills\n"
        'Emre,Kaya,+46 70 222 33 44,alby,"tr, sv",groceries\n'
    )
    report = volunteers_check(bom + text.encode("utf-8"))
    assert report.encoding == "utf-8" and report.delimiter == ","
    (row,) = report.rows
    assert row.ok, row.errors
    assert row.values["languages"] == {"tr", "sv"}


def test_every_error_kind_is_reported_per_row(alby):
    taken = volunteer_make()
    rows = [
        SWEDISH_HEADER,
        "Anna;A;not a number;Alby;sv;handla;ja;",  # bad phone
        "Bo;B;08-123 456 78;Alby;sv;handla;ja;",  # landline: no SMS
        "Cem;C;070-300 00 01;Atlantis;sv;handla;ja;",  # unknown district
        "Dan;D;070-300 00 02;Alby;;handla;ja;",  # no language
        "Eva;E;070-300 00 03;Alby;klingon;handla;ja;",  # unknown language
        "Fia;F;070-300 00 04;Alby;sv;dykning;ja;",  # unknown skill
        "Gun;G;070-300 00 02;Alby;sv;handla;ja;",  # same phone as Dan
        f"Hans;H;{taken.phone};Alby;sv;handla;ja;",  # already registered
        ";I;070-300 00 05;Alby;sv;handla;ja;",  # no first name
        "Ida;J;070-300 00 06;Alby;sv;handla;kanske;",  # vetted neither yes nor no
        "Jon;K;070-300 00 07;Alby;sv;handla;nej;tio",  # not a number
        "Kim;L;070-300 00 08;Alby;sv;handla;nej;3",  # fine
    ]
    report = volunteers_check("\n".join(rows).encode())
    found = [kinds(row) for row in report.rows]
    assert found == [
        {"phone"},
        {"phone"},
        {"district"},
        {"language"},
        {"language"},
        {"skill"},
        {"duplicate"},
        {"registered"},
        {"name"},
        {"vetted"},
        {"number"},
        set(),
    ]
    assert [row.line for row in report.rows][:2] == [2, 3]
    assert len(report.valid) == 1 and not Volunteer.objects.filter(first_name="Kim").exists()


def test_a_file_without_required_columns_is_refused_as_a_whole():
    with pytest.raises(CsvError, match="Telefon"):
        volunteers_check(b"Namn;Adress\nAnna;Storgatan 1\n")
    with pytest.raises(CsvError):
        volunteers_check(b"")


def test_all_or_nothing_saves_nothing_when_a_row_is_bad(alby, organisation):
    data = f"{SWEDISH_HEADER}\nAnna;A;070-400 00 01;Alby;sv;handla;ja;\nBo;B;nope;Alby;sv;;ja;\n"
    saved = volunteers_import(organisation=organisation, data=data.encode(), all_or_nothing=True)
    assert saved == 0 and not Volunteer.objects.filter(organisation=organisation).exists()
    saved = volunteers_import(organisation=organisation, data=data.encode(), all_or_nothing=False)
    assert saved == 1
    anna = Volunteer.objects.get(organisation=organisation)
    assert anna.first_name == "Anna" and anna.district == alby
    assert (anna.lat, anna.lon) == (alby.lat, alby.lon)


def test_all_valid_rows_are_saved_in_all_or_nothing_mode(alby, organisation):
    data = (
        f"{SWEDISH_HEADER}\nAnna;A;070-400 00 11;Alby;sv;handla;ja;\nBo;B;070-400 00 12;;en;;nej;\n"
    )
    assert (
        volunteers_import(organisation=organisation, data=data.encode(), all_or_nothing=True) == 2
    )


def test_export_reads_back_as_an_import_of_the_same_columns(alby, organisation):
    volunteer_make(
        organisation=organisation,
        first_name="Åke",
        phone=mobile(),
        district=alby,
        languages={"sv", "fi"},
        skills={"groceries"},
        max_distance_km=2.5,
    )
    header, rows = volunteers_export(organisation)
    from config.csvsafe import csv_response

    body = csv_response("x.csv", header, rows).content
    assert body.startswith(b"\xef\xbb\xbf") and b";" in body
    Volunteer.objects.all().delete()
    report = volunteers_check(body)
    (row,) = report.rows
    assert row.ok, row.errors
    assert row.values["languages"] == {"sv", "fi"} and row.values["max_distance_km"] == 2.5


def _export_text(organisation) -> str:
    from config.csvsafe import csv_response

    header, rows = volunteers_export(organisation)
    return csv_response("x.csv", header, rows).content.decode("utf-8-sig")


def test_export_writes_the_words_the_import_reads_not_codes(alby, organisation):
    volunteer_make(
        organisation=organisation,
        first_name="Åke",
        district=alby,
        languages={"sv", "ti"},
        skills={"groceries", "phone_friend"},
        vetted=True,
    )
    header, *lines = _export_text(organisation).splitlines()
    assert header.split(";")[:7] == [
        "Förnamn",
        "Efternamn",
        "Telefon",
        "Kommundel",
        "Språk",
        "Uppdrag",
        "Kontrollerad",
    ]
    (line,) = lines
    cells = line.split(";")
    assert cells[4] == "svenska, tigrinja" and cells[5] == "Matinköp, Telefonvän"
    assert cells[6] == "ja"
    assert "groceries" not in line and "phone_friend" not in line


def test_an_edited_export_updates_by_phone_and_the_dry_run_says_what_changes(alby, organisation):
    district_make(name="Fittja", code="fittja")
    ake = volunteer_make(
        organisation=organisation,
        first_name="Åke",
        last_name="Ek",
        district=alby,
        languages={"sv"},
        skills={"groceries"},
        max_distance_km=2.5,
    )
    bo = volunteer_make(organisation=organisation, first_name="Bo", district=alby, languages={"sv"})
    text = _export_text(organisation)
    edited = []
    for line in text.splitlines():
        if line.startswith("Åke;"):
            cells = line.split(";")
            cells[3], cells[4], cells[7] = "Fittja", "svenska, finska", "4"
            line = ";".join(cells)
        edited.append(line)
    edited.append("Cia;Berg;070-400 00 21;Alby;engelska;Apoteksärende;nej;3;1")
    data = "\r\n".join(edited).encode("utf-8")

    report = volunteers_check(data, organisation=organisation)
    by_name = {row.values["first_name"]: row for row in report.rows}
    assert all(row.ok for row in report.rows), [row.errors for row in report.rows]
    assert by_name["Åke"].action == "update"
    assert {field for field, _old, _new in by_name["Åke"].changes} == {
        "district",
        "languages",
        "max_distance_km",
    }
    assert by_name["Bo"].action == "unchanged" and by_name["Cia"].action == "add"
    assert (len(report.added), len(report.updated), len(report.unchanged)) == (1, 1, 1)
    assert Volunteer.objects.filter(organisation=organisation).count() == 2  # a dry run

    saved = volunteers_import(organisation=organisation, data=data, all_or_nothing=True)
    assert saved == 2
    ake.refresh_from_db()
    bo_before = (bo.first_name, bo.languages, bo.max_distance_km)
    bo.refresh_from_db()
    assert ake.languages == {"sv", "fi"} and ake.max_distance_km == 4.0
    assert ake.district.name == "Fittja" and ake.last_name == "Ek"
    assert (bo.first_name, bo.languages, bo.max_distance_km) == bo_before
    assert Volunteer.objects.get(first_name="Cia").skills == {"pharmacy"}
    assert Volunteer.objects.filter(organisation=organisation).count() == 3


def test_an_update_with_a_bad_row_saves_nothing_in_all_or_nothing_mode(alby, organisation):
    ake = volunteer_make(organisation=organisation, first_name="Åke", languages={"sv"})
    text = _export_text(organisation).replace("Åke;", "Åsa;") + "Bo;B;fel;Alby;sv;;ja;\r\n"
    assert (
        volunteers_import(organisation=organisation, data=text.encode(), all_or_nothing=True) == 0
    )
    ake.refresh_from_db()
    assert ake.first_name == "Åke"


def test_a_column_left_out_of_the_file_is_left_as_it_is(alby, organisation):
    ake = volunteer_make(
        organisation=organisation, phone=mobile(), languages={"sv"}, max_distance_km=9.0
    )
    data = f"Förnamn;Telefon;Språk\nÅke;{ake.phone};svenska, finska\n".encode()
    (row,) = volunteers_check(data, organisation=organisation).rows
    assert row.action == "update"
    assert {field for field, _old, _new in row.changes} == {"first_name", "languages"}
    volunteers_import(organisation=organisation, data=data, all_or_nothing=True)
    ake.refresh_from_db()
    assert ake.max_distance_km == 9.0 and ake.languages == {"sv", "fi"}


def test_another_organisations_volunteer_is_not_taken_over(alby, organisation):
    theirs = volunteer_make(organisation=organisation_make(name="Andra"), first_name="Eva")
    data = f"Förnamn;Telefon;Språk\nEvelina;{theirs.phone};svenska\n".encode()
    (row,) = volunteers_check(data, organisation=organisation).rows
    assert kinds(row) == {"registered"}
    assert volunteers_import(organisation=organisation, data=data, all_or_nothing=False) == 0
    theirs.refresh_from_db()
    assert theirs.first_name == "Eva"


def test_a_formula_name_exports_quoted_and_reimports_unchanged(alby, organisation):
    volunteer_make(organisation=organisation, first_name="=HYPERLINK(1)", last_name="+cmd")
    text = _export_text(organisation)
    assert ";'=HYPERLINK(1);'+cmd;" in ";" + text.splitlines()[1]
    (row,) = volunteers_check(text.encode(), organisation=organisation).rows
    assert row.ok and row.action == "unchanged", (row.errors, row.changes)
