"""Residents placed before the address register sit at their district's centre: say so.

Until then every position was a district's centre (intake had nothing better), so a
resident whose lat/lon are exactly their district's is approximate."""

from django.db import migrations
from django.db.models import F


def centre_approximate(apps, schema_editor):
    Resident = apps.get_model("helpdesk", "Resident")
    Resident.objects.filter(
        place__isnull=True,
        district__isnull=False,
        lat=F("district__lat"),
        lon=F("district__lon"),
    ).update(position_approximate=True)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0012_place_and_approximate"),
        ("places", "0001_initial"),
    ]

    # Backwards there is nothing to undo: the flag was unknown before.
    operations = [migrations.RunPython(centre_approximate, migrations.RunPython.noop)]
