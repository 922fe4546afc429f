# The kind choices leave the migrations: the field holds a task kind's code, and its
# choices are read from the registry (matching.kinds), so a new kind needs no migration.

import matching.kinds
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0009_language_from_packs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="helprequest",
            name="kind",
            field=models.CharField(choices=matching.kinds.kind_choices, max_length=16),
        ),
    ]
