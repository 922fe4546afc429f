# The language choices leave the migrations: a field holds a language pack's code and is
# validated against the registry (languages.fields), so a new language needs no migration.

from django.db import migrations

import languages.fields


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0008_task_paths_moved"),
    ]

    operations = [
        migrations.AlterField(
            model_name="helprequest",
            name="language",
            field=languages.fields.LanguageField(default="sv", max_length=8),
        ),
        migrations.AlterField(
            model_name="resident",
            name="language",
            field=languages.fields.LanguageField(default="sv", max_length=8),
        ),
    ]
