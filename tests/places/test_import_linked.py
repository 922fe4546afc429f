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
