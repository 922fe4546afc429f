"""The indexes address search reads (places/search.py, decision 0017), written once for the
migration that makes them (places/migrations/0002_search_index.py) and for the address
import, which builds them after the rows on a first load into an empty register.

Both databases: the ordered index of search_text (a street's start is a range on it;
PostgreSQL compares it as bytes, COLLATE "C", as SQLite and Python do), the same after the
house number (a number typed narrows the range before anything is read), and the same after
the postcode.
PostgreSQL: pg_trgm's GIN index, for a word anywhere in the text. SQLite: an FTS5 table with
the trigram tokenizer (SQLite 3.34 or later) over the same column, its content read from
places_address and kept in step by triggers, so every writer keeps it without knowing.
"""

# (create, drop) pairs.
POSTGRESQL_EXTENSION = ("CREATE EXTENSION IF NOT EXISTS pg_trgm", None)
POSTGRESQL_INDEXES = [
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

SQLITE_FTS_TABLE = (
    "CREATE VIRTUAL TABLE places_address_fts USING fts5("
    "search_text, content='places_address', content_rowid='id', tokenize='trigram')",
    "DROP TABLE IF EXISTS places_address_fts",
)
SQLITE_TRIGGERS = [
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
]
# The FTS5 table read again from places_address: the rows written while no trigger kept it.
SQLITE_FTS_REBUILD = ("INSERT INTO places_address_fts(places_address_fts) VALUES ('rebuild')", None)
SQLITE_INDEXES = [
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

# What the migration runs, in its order, per database vendor.
MIGRATION_STATEMENTS = {
    "postgresql": [POSTGRESQL_EXTENSION, *POSTGRESQL_INDEXES],
    "sqlite": [SQLITE_FTS_TABLE, *SQLITE_TRIGGERS, SQLITE_FTS_REBUILD, *SQLITE_INDEXES],
}

# PostgreSQL's memory for building the indexes of a first load, for its transaction only:
# the GIN index of a million rows is built in a few passes instead of dozens.
POSTGRESQL_BUILD_MEMORY = "256MB"


def search_index_defer(cursor, vendor: str) -> None:
    """Drop the search indexes a first load builds after its rows: PostgreSQL's four,
    SQLite's three ordered ones. Only for an empty register, inside the transaction that
    then calls search_index_build: a rollback brings every one back as it was.

    SQLite's FTS5 triggers stay: measured at a million rows, the FTS5 table kept row by row
    costs the writer about 7 s (each batch arrives in search-text order and the reader
    works beside it), while a 'rebuild' after the load took 14 to 16 s on its own."""
    if vendor == "postgresql":
        dropped = POSTGRESQL_INDEXES
    elif vendor == "sqlite":
        dropped = SQLITE_INDEXES
    else:
        return
    for _create, drop in dropped:
        cursor.execute(drop)


def search_index_build(cursor, vendor: str) -> None:
    """Make again, as the migration makes them, what search_index_defer dropped, from the
    rows now in the register."""
    if vendor == "postgresql":
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{POSTGRESQL_BUILD_MEMORY}'")
        # The rows' district foreign keys are checked at commit (Django makes them
        # deferred), and PostgreSQL builds no index on a table with checks pending: run
        # them now, then defer again as the rest of the transaction expects.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for create, _drop in POSTGRESQL_INDEXES:
            cursor.execute(create)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    elif vendor == "sqlite":
        for create, _drop in SQLITE_INDEXES:
            cursor.execute(create)
