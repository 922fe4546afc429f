"""Volunteers placed before the address register sit at their district's centre: say so.

Until then every position was a district's centre (the form and the import had nothing
better), so a volunteer whose lat/lon are exactly their district's is approximate."""

from django.db import migrations
from django.db.models import F


def centre_approximate(apps, schema_editor):
    Volunteer = apps.get_model("matching", "Volunteer")
    Volunteer.objects.filter(
        place__isnull=True,
        district__isnull=False,
        lat=F("district__lat"),
        lon=F("district__lon"),
    ).update(position_approximate=True)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0010_volunteer_postcode"),
        ("places", "0001_initial"),
    ]

    # Backwards there is nothing to undo: the flag was unknown before.
    operations = [migrations.RunPython(centre_approximate, migrations.RunPython.noop)]
