"""The data migrations that mark residents and volunteers placed at exactly their district's
centre (everyone, before the address register) as approximate, and nobody else."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("helpdesk", "0012_place_and_approximate"),
    ("matching", "0010_volunteer_postcode"),
]
AFTER = [
    ("helpdesk", "0013_positions_at_centre_approximate"),
    ("matching", "0011_positions_at_centre_approximate"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_rows_exactly_at_their_districts_centre_become_approximate():
    try:
        apps = migrate(BEFORE)
        District = apps.get_model("places", "District")
        Address = apps.get_model("places", "Address")
        Resident = apps.get_model("helpdesk", "Resident")
        Organisation = apps.get_model("matching", "Organisation")
        Volunteer = apps.get_model("matching", "Volunteer")
        alby = District.objects.create(name="Alby", code="alby", lat=59.239, lon=17.844)
        door = Address.objects.create(
            street="Albyvägen",
            number="12",
            lat=59.239,
            lon=17.844,
            source="test",
            source_id="door",
            search_text="albyvagen 12",
            district=alby,
        )
        organisation = Organisation.objects.create(name="Röda Korset", kind="ngo", languages={"sv"})
        residents = {
            "centre": Resident.objects.create(district=alby, lat=59.239, lon=17.844),
            "elsewhere": Resident.objects.create(district=alby, lat=59.24, lon=17.844),
            # A door that happens to lie at the centre is a door.
            "door": Resident.objects.create(district=alby, place=door, lat=59.239, lon=17.844),
            "nowhere": Resident.objects.create(district=None, lat=None, lon=None),
        }
        common = dict(organisation=organisation, languages={"sv"}, skills={"groceries"})
        volunteers = {
            "centre": Volunteer.objects.create(
                phone="+46700000001", district=alby, lat=59.239, lon=17.844, **common
            ),
            "elsewhere": Volunteer.objects.create(
                phone="+46700000002", district=alby, lat=59.2, lon=17.9, **common
            ),
        }
        apps = migrate(AFTER)
        Resident = apps.get_model("helpdesk", "Resident")
        Volunteer = apps.get_model("matching", "Volunteer")
        flags = {
            k: Resident.objects.get(pk=r.pk).position_approximate for k, r in residents.items()
        }
        assert flags == {"centre": True, "elsewhere": False, "door": False, "nowhere": False}
        flags = {
            k: Volunteer.objects.get(pk=v.pk).position_approximate for k, v in volunteers.items()
        }
        assert flags == {"centre": True, "elsewhere": False}
    finally:
        migrate_to_latest()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rows_exactly_at_their_districts_centre_become_approximate_on_postgresql():
    test_rows_exactly_at_their_districts_centre_become_approximate()
