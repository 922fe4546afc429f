# The indexes address search reads (places/search.py, decision 0017). Django's model state
# does not change: these are the database's own, one set for each database.
#
# Both: the ordered index of search_text (a street's start is a range on it; PostgreSQL
# compares it as bytes, COLLATE "C", as SQLite and Python do), the same after the house
# number (a number typed narrows the range before anything is read), and the same after the
# postcode.
# PostgreSQL: pg_trgm's GIN index, for a word anywhere in the text. SQLite: an FTS5 table
# with the trigram tokenizer (SQLite 3.34 or later) over the same column, its content read
# from places_address and kept in step by triggers, so every writer keeps it without knowing.

from django.db import migrations

POSTGRESQL = [
    (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        None,
    ),
    (
        "CREATE INDEX address_search_trgm ON places_address USING gin (search_text gin_trgm_ops)",
        "DROP INDEX IF EXISTS address_search_trgm",
    ),
    (
        'CREATE INDEX address_search_text ON places_address (search_text COLLATE "C")',
        "DROP INDEX IF EXISTS address_search_text",
    ),
    (
        'CREATE INDEX address_number_text ON places_address (number, search_text COLLATE "C")',
        "DROP INDEX IF EXISTS address_number_text",
    ),
    (
        'CREATE INDEX address_postcode ON places_address (postcode, search_text COLLATE "C")',
        "DROP INDEX IF EXISTS address_postcode",
    ),
]

SQLITE = [
    (
        "CREATE VIRTUAL TABLE places_address_fts USING fts5("
        "search_text, content='places_address', content_rowid='id', tokenize='trigram')",
        "DROP TABLE IF EXISTS places_address_fts",
    ),
    (
        "CREATE TRIGGER places_address_fts_insert AFTER INSERT ON places_address BEGIN"
        " INSERT INTO places_address_fts(rowid, search_text) VALUES (new.id, new.search_text);"
        " END",
        "DROP TRIGGER IF EXISTS places_address_fts_insert",
    ),
    (
        "CREATE TRIGGER places_address_fts_delete AFTER DELETE ON places_address BEGIN"
        " INSERT INTO places_address_fts(places_address_fts, rowid, search_text)"
        " VALUES ('delete', old.id, old.search_text);"
        " END",
        "DROP TRIGGER IF EXISTS places_address_fts_delete",
    ),
    (
        "CREATE TRIGGER places_address_fts_update AFTER UPDATE OF search_text ON places_address"
        " BEGIN"
        " INSERT INTO places_address_fts(places_address_fts, rowid, search_text)"
        " VALUES ('delete', old.id, old.search_text);"
        " INSERT INTO places_address_fts(rowid, search_text) VALUES (new.id, new.search_text);"
        " END",
        "DROP TRIGGER IF EXISTS places_address_fts_update",
    ),
    # Rows written before this migration.
    ("INSERT INTO places_address_fts(places_address_fts) VALUES ('rebuild')", None),
    (
        "CREATE INDEX address_search_text ON places_address (search_text)",
        "DROP INDEX IF EXISTS address_search_text",
    ),
    (
        "CREATE INDEX address_number_text ON places_address (number, search_text)",
        "DROP INDEX IF EXISTS address_number_text",
    ),
    (
        "CREATE INDEX address_postcode ON places_address (postcode, search_text)",
        "DROP INDEX IF EXISTS address_postcode",
    ),
]

STATEMENTS = {"postgresql": POSTGRESQL, "sqlite": SQLITE}


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
