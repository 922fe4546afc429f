# District now belongs to places (places 0001): helpdesk lets go of it in Django's state
# only. The table, its rows and the columns pointing at it are untouched.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0010_kind_from_registry"),
        ("places", "0001_initial"),
        ("matching", "0008_district_in_places"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="resident",
                    name="district",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="places.district",
                    ),
                ),
                migrations.AlterField(
                    model_name="helprequest",
                    name="district",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="places.district",
                    ),
                ),
                migrations.DeleteModel(name="District"),
            ],
            database_operations=[],
        ),
    ]
