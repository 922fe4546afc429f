# The kind choices leave the migrations: the field holds a task kind's code, and its
# choices are read from the registry (matching.kinds), so a new kind needs no migration.

import matching.kinds
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_language_from_packs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="capacity",
            name="kind",
            field=models.CharField(choices=matching.kinds.kind_choices, max_length=16),
        ),
    ]
