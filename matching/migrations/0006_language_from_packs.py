# The language choices leave the migrations: a field holds a language pack's code and is
# validated against the registry (languages.fields), so a new language needs no migration.

from django.db import migrations

import languages.fields


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_organisation_referral_concerns"),
    ]

    operations = [
        migrations.AlterField(
            model_name="volunteer",
            name="language",
            field=languages.fields.LanguageField(
                default="sv", max_length=8, verbose_name="SMS language"
            ),
        ),
    ]
