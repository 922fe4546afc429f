# District moves here from helpdesk: the table (helpdesk_district) stays as it is and only
# Django's idea of which app owns it changes (helpdesk 0011 lets go of it). The address
# register is new.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("helpdesk", "0010_kind_from_registry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="District",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=80, unique=True)),
                        ("code", models.SlugField(max_length=40, unique=True)),
                        ("lat", models.FloatField(verbose_name="latitude")),
                        ("lon", models.FloatField(verbose_name="longitude")),
                        ("population", models.PositiveIntegerField(default=0)),
                        ("population_70_plus", models.PositiveIntegerField(default=0)),
                        ("equity_weight", models.FloatField(default=1.0)),
                    ],
                    options={"db_table": "helpdesk_district", "ordering": ["name"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="district",
            name="boundary",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="Address",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("street", models.CharField(max_length=120)),
                ("number", models.CharField(max_length=12)),
                ("letter", models.CharField(blank=True, max_length=12)),
                ("postcode", models.CharField(blank=True, max_length=6)),
                ("locality", models.CharField(blank=True, max_length=80)),
                ("municipality", models.CharField(blank=True, max_length=80)),
                ("lat", models.FloatField(verbose_name="latitude")),
                ("lon", models.FloatField(verbose_name="longitude")),
                ("source", models.CharField(max_length=16)),
                ("source_id", models.CharField(max_length=80)),
                ("search_text", models.CharField(editable=False, max_length=250)),
                (
                    "district",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="addresses",
                        to="places.district",
                    ),
                ),
            ],
            options={
                "ordering": ["street", "number", "letter"],
                "indexes": [models.Index(fields=["municipality", "source"], name="address_scope")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "source_id"), name="address_source_id"
                    )
                ],
            },
        ),
    ]
