# District now belongs to places (places 0001); the columns already point at its table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_kind_from_registry"),
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="organisation",
                    name="districts",
                    field=models.ManyToManyField(
                        blank=True, related_name="organisations", to="places.district"
                    ),
                ),
                migrations.AlterField(
                    model_name="capacity",
                    name="district",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="places.district",
                    ),
                ),
                migrations.AlterField(
                    model_name="volunteer",
                    name="district",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="places.district",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
