"""A re-import removes a door that residents and volunteers were placed at: they keep their
address text and position, lose the link, and the import goes through (a link the import did
not know of used to fail the whole run at commit, after a dry run had promised the removal).
Every table that points at the register is found, whatever its relation is called."""

import pytest
from django.apps import apps

from places.importing.staging import address_links
from places.models import Address
from tests.factories import resident_make, volunteer_make
from tests.places.test_import_osm import NODES, osm_xml, run

pytestmark = pytest.mark.django_db


def test_every_foreign_key_to_the_register_is_known_to_the_import():
    pointing = {
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Address
    }
    assert pointing and pointing <= set(address_links())


def test_a_door_someone_stands_at_is_removed_and_they_keep_their_position(tmp_path):
    path = tmp_path / "a.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    run(path, "--municipality", "Huddinge")
    door = Address.objects.get(source_id="n3")
    resident = resident_make(address=door.door, place=door, lat=door.lat, lon=door.lon)
    volunteer = volunteer_make(address=door.door, place=door, lat=door.lat, lon=door.lon)

    path.write_text(osm_xml(nodes=[n for n in NODES if n[0] != 3]), encoding="utf-8")
    assert "removed 1" in run(path, "--municipality", "Huddinge", "--dry-run")
    assert "removed 1" in run(path, "--municipality", "Huddinge")

    assert not Address.objects.filter(pk=door.pk).exists()
    for person in (resident, volunteer):
        person.refresh_from_db()
        assert person.place is None
        assert (person.address, person.lat, person.lon) == (door.door, door.lat, door.lon)


def test_an_impossible_position_or_a_control_character_refuses_the_row_not_the_file(tmp_path):
    """lat="95.0" in an extract, a NUL (which PostgreSQL cannot store) or a text-direction
    override in a street name: that row is refused with its reason, the rest go in."""
    nodes = [
        *NODES,
        (20, 95.0, 17.99, {"addr:street": "Polvägen", "addr:housenumber": "1"}),
        (22, 59.22, 17.94, {"addr:street": "Vänd\u202egatan", "addr:housenumber": "3"}),
    ]
    path = tmp_path / "a.osm"
    path.write_text(osm_xml(nodes=nodes), encoding="utf-8")
    out = run(path, "--municipality", "Huddinge")
    assert "position not understood" in out, out
    assert "control or text-direction characters" in out, out
    assert not Address.objects.filter(source_id__in=["n20", "n22"]).exists()
    assert Address.objects.filter(source_id="n1").exists()

    register = tmp_path / "register.csv"
    register.write_text(
        "Id;Gatunamn;Nummer;Postnummer;Postort;Kommun;Latitud;Longitud\n"
        "1;Nolla\x00gatan;2;14152;Flemingsberg;Huddinge;59.22;17.94\n"
        "2;Fri\tgatan;4;14152;Flemingsberg;Huddinge;59.22;17.94\n",
        encoding="utf-8",
    )
    out = run(register)
    assert "control or text-direction characters" in out, out
    assert Address.objects.filter(source="csv").count() == 1
    assert Address.objects.get(source="csv").street == "Fri gatan"  # a tab is a space


def register_write(path, numbers) -> None:
    rows = "".join(f"{n};Långgatan;{n};14152;Flemingsberg;Huddinge;59.22;17.94\n" for n in numbers)
    path.write_text("Id;Gatunamn;Nummer;Postnummer;Postort;Kommun;Latitud;Longitud\n" + rows)


def test_a_cut_off_file_does_not_empty_the_register_unless_told_to(tmp_path):
    """A re-import that would remove most of what the source had (a download cut off, one
    district's export) changes nothing and says why; --allow-removal lets it through."""
    from django.core.management import CommandError

    path = tmp_path / "register.csv"
    register_write(path, range(1, 61))
    run(path)
    register_write(path, range(1, 11))  # cut off after ten rows

    dry = run(path, "--dry-run")
    assert "Held back: this would remove 50 of the 60 addresses" in dry, dry
    with pytest.raises(CommandError, match="would remove 50 of the 60 .*--allow-removal"):
        run(path)
    assert Address.objects.filter(source="csv").count() == 60

    assert "removed 50" in run(path, "--allow-removal")
    assert Address.objects.filter(source="csv").count() == 10
    # Removing a few, as a yearly update does, needs no confirmation.
    register_write(path, range(1, 10))
    assert "removed 1" in run(path)


def test_a_first_load_with_an_id_again_in_a_later_batch_keeps_its_last_row(tmp_path, monkeypatch):
    """A first load writes a batch of new ids straight in; an id met again in a later batch
    still goes the upsert's way, and the last row wins."""
    monkeypatch.setattr("places.importing.reading.BATCH", 2)
    path = tmp_path / "register.csv"
    path.write_text(
        "Id;Gatunamn;Nummer;Postnummer;Postort;Kommun;Latitud;Longitud\n"
        "1;Långgatan;1;14152;Flemingsberg;Huddinge;59.22;17.94\n"
        "2;Långgatan;2;14152;Flemingsberg;Huddinge;59.22;17.94\n"
        "3;Långgatan;3;14152;Flemingsberg;Huddinge;59.22;17.94\n"
        "1;Kortgatan;1;14152;Flemingsberg;Huddinge;59.22;17.94\n"
        "4;Långgatan;4;14152;Flemingsberg;Huddinge;59.22;17.94\n",
        encoding="utf-8",
    )
    out = run(path)
    assert "first load" in out, out
    assert "read 5, added 4" in out, out
    assert Address.objects.filter(source="csv").count() == 4
    assert Address.objects.get(source="csv", street="Kortgatan").number == "1"
    assert not Address.objects.filter(street="Långgatan", number="1").exists()
