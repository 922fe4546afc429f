# The indexes address search reads (places/search.py, decision 0017). Django's model state
# does not change: these are the database's own, one set for each database, written in
# places/search_index.py, which the address import also uses to build them after the rows
# on a first load.

from django.db import migrations

from places.search_index import MIGRATION_STATEMENTS

STATEMENTS = MIGRATION_STATEMENTS


def indexes_create(apps, schema_editor):
    for forward, _backward in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(forward)


def indexes_drop(apps, schema_editor):
    for _forward, backward in reversed(STATEMENTS.get(schema_editor.connection.vendor, [])):
        if backward:
            schema_editor.execute(backward)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(indexes_create, indexes_drop),
    ]
