# ruff: noqa: S608 (every name in the SQL is a constant here or a table from the model registry)
"""Writing batches into the register, and removing at the end what the file no longer has.

Each batch goes to a temporary table (executemany on SQLite, COPY on PostgreSQL) and from
there into places_address in one INSERT ... ON CONFLICT (source, source_id) DO UPDATE,
which updates only the rows whose values differ. The batch's ids are added to a second
temporary table, `places_import_seen`: the run's record of what the file had. Removal is
then one DELETE of this source's rows in these municipalities that are not in it, so
memory stays bounded however many million ids the file has. All of it is plain INSERT,
UPDATE and DELETE on places_address, so the search index's triggers (SQLite) and indexes
(PostgreSQL) follow.

A first load, into an empty register, is the exception: keeping the search index row by row
is most of a large import's work (a million rows: about 19 of SQLite's 25 s in its ordered
indexes, most of PostgreSQL's server time in the GIN trigram index), and building it once
from the loaded rows is several times cheaper. So when places_address has no rows at the
start, the search indexes are dropped inside the import's transaction and made again, as
places/search_index.py defines them, at its end (SQLite's FTS5 table is kept by its
triggers throughout: see search_index_defer for why). A failure
in between rolls the drop back with everything else. On PostgreSQL the DROP holds an
exclusive lock on places_address until commit, so searches wait for the load; on an empty
register there is nothing for them to find, so nothing is lost.
"""

import time

from django.db import models

from ..models import Address
from ..search_index import search_index_build, search_index_defer

FIELDS = (
    "source_id",
    "street",
    "number",
    "letter",
    "postcode",
    "locality",
    "municipality",
    "lat",
    "lon",
    "search_text",
    "district_id",
)
# What an update compares and writes (all but the key).
VALUES = FIELDS[1:]
TYPES = {"lat": "double precision", "lon": "double precision", "district_id": "bigint"}
# SQLite's page cache during an import, in KiB: the register's indexes stay in memory
# while a million rows go in (the default is 2 MB).
SQLITE_CACHE_KIB = 64 * 1024


class Stage:
    """One run's temporary tables and counts."""

    def __init__(self, connection, source: str) -> None:
        self.connection = connection
        self.source = source
        self.postgres = connection.vendor == "postgresql"
        self.added = self.updated = self.unchanged = self.repeated = 0
        self.first_load = False
        self.index_seconds = 0.0  # a first load's building of the search index
        columns = ", ".join(f"{field} {TYPES.get(field, 'text')}" for field in FIELDS)
        with connection.cursor() as cursor:
            if self.postgres:
                # The trigram index takes new rows into its pending list and merges the list
                # into the index when it is full: a larger list, merged with more memory,
                # is merged far fewer times in a large import. For this transaction only.
                cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute(f"CREATE TEMP TABLE places_import ({columns}) ON COMMIT DROP")
                cursor.execute(
                    "CREATE TEMP TABLE places_import_seen (source_id text PRIMARY KEY) "
                    "ON COMMIT DROP"
                )
            else:
                cursor.execute("PRAGMA cache_size")
                self.cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                # The file mapped (settings.py, for reports) would put every page the import
                # reads into the process's resident set on top of the cache: a re-import of
                # a million rows reads most of the register.
                cursor.execute("PRAGMA mmap_size")
                mapped = cursor.fetchone()  # none for a database in memory
                self.mmap_size = mapped[0] if mapped else None
                if mapped:
                    cursor.execute("PRAGMA mmap_size = 0")
                cursor.execute("DROP TABLE IF EXISTS temp.places_import")
                cursor.execute("DROP TABLE IF EXISTS temp.places_import_seen")
                cursor.execute(f"CREATE TEMP TABLE places_import ({columns})")
                cursor.execute(
                    "CREATE TEMP TABLE places_import_seen (source_id text PRIMARY KEY) "
                    "WITHOUT ROWID"
                )
            if register_empty(cursor):
                search_index_defer(cursor, connection.vendor)
                # PostgreSQL: the drop waited for the lock on places_address; a row another
                # import committed meanwhile means this is no first load after all.
                if register_empty(cursor):
                    self.first_load = True
                else:
                    search_index_build(cursor, connection.vendor)

    def batch_merge(self, rows: list[tuple]) -> None:
        """Rows in FIELDS order, ids unique within the batch, into the register."""
        upsert = (
            f"INSERT INTO places_address (source, {', '.join(FIELDS)}) "
            # In search-text order: the register's ordered indexes of the search text then
            # take a batch in one sweep instead of at random pages.
            f"SELECT %s, {', '.join(FIELDS)} FROM places_import WHERE true "
            "ORDER BY search_text "
            "ON CONFLICT (source, source_id) DO UPDATE SET "
            + ", ".join(f"{f} = excluded.{f}" for f in VALUES)
            + " WHERE "
            + " OR ".join(
                f"places_address.{f} {'IS DISTINCT FROM' if self.postgres else 'IS NOT'} "
                f"excluded.{f}"
                for f in VALUES
            )
        )
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("TRUNCATE places_import")
                sql = f"COPY places_import ({', '.join(FIELDS)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                if self.first_load and self._seen_add(cursor) == len(rows):
                    # A first load holds places_address locked and empty but for this run's
                    # rows, so a batch of ids this run has not had before is all new: a plain
                    # insert, without the upsert's conflict checks (a third of the server's
                    # time at a million rows).
                    cursor.execute(
                        f"INSERT INTO places_address (source, {', '.join(FIELDS)}) "
                        f"SELECT %s, {', '.join(FIELDS)} FROM places_import",
                        [self.source],
                    )
                    self.added += len(rows)
                    return
                # xmax is 0 on a row this statement inserted, set on one it updated.
                cursor.execute(
                    f"WITH written AS ({upsert} RETURNING (xmax = 0) AS inserted) "
                    "SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FILTER (WHERE NOT "
                    "inserted) FROM written",
                    [self.source],
                )
                added, updated = cursor.fetchone()
            else:
                cursor.execute("DELETE FROM places_import")
                marks = ", ".join(["%s"] * len(FIELDS))
                cursor.executemany(
                    f"INSERT INTO places_import ({', '.join(FIELDS)}) VALUES ({marks})", rows
                )
                cursor.execute(
                    "SELECT COUNT(*) FROM places_import s JOIN places_address a "
                    "ON a.source = %s AND a.source_id = s.source_id",
                    [self.source],
                )
                known = cursor.fetchone()[0]
                cursor.execute(upsert, [self.source])
                added = len(rows) - known
                updated = cursor.rowcount - added
            if self.first_load and self.postgres:
                repeated = len(rows) - self.seen_new  # counted before the upsert
            else:
                repeated = len(rows) - self._seen_add(cursor)
        self.added += added
        self.updated += updated
        self.repeated += repeated
        self.unchanged += len(rows) - added - updated - repeated

    def _seen_add(self, cursor) -> int:
        """Add the staged batch's ids to the run's ids; how many were new to it."""
        cursor.execute(
            "INSERT INTO places_import_seen (source_id) SELECT source_id "
            "FROM places_import WHERE true ON CONFLICT DO NOTHING"
        )
        self.seen_new = cursor.rowcount
        return self.seen_new

    def finish(self, municipalities: list[str]) -> int:
        """Remove this source's rows in these municipalities that the file did not have;
        how many."""
        marks = ", ".join(["%s"] * len(municipalities))
        gone = (
            "places_address.source = %s "
            f"AND places_address.municipality IN ({marks}) "
            "AND NOT EXISTS (SELECT 1 FROM places_import_seen s "
            "WHERE s.source_id = places_address.source_id)"
        )
        params = [self.source, *municipalities]
        with self.connection.cursor() as cursor:
            if self.postgres:
                # The register may have grown by millions in this transaction: plan the
                # removal (and later searches) with what it holds now.
                cursor.execute("ANALYZE places_address")
                cursor.execute("ANALYZE places_import_seen")
            if self.first_load:
                # Every row in the register is one this run wrote and saw: nothing to remove.
                started = time.monotonic()
                search_index_build(cursor, self.connection.vendor)
                self.index_seconds = time.monotonic() - started
                cursor.execute("DROP TABLE places_import")
                cursor.execute("DROP TABLE places_import_seen")
                return 0
            # Residents and volunteers pointing at a door that is gone keep their own
            # position and lose the link, as on_delete=SET_NULL does for one delete.
            for table, column in address_links():
                cursor.execute(
                    f"UPDATE {table} SET {column} = NULL WHERE {column} IN "
                    f"(SELECT id FROM places_address WHERE {gone})",
                    params,
                )
            cursor.execute(f"DELETE FROM places_address WHERE {gone}", params)
            removed = cursor.rowcount
            if self.postgres:
                # Merge the trigram index's pending list now, within the import, rather than
                # leave searches to read through up to 64 MB of it until autovacuum comes.
                cursor.execute(
                    "SELECT gin_clean_pending_list(i.indexrelid::regclass) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                    "WHERE i.indrelid = 'places_address'::regclass AND a.amname = 'gin'"
                )
            cursor.execute("DROP TABLE places_import")
            cursor.execute("DROP TABLE places_import_seen")
        return removed

    def release(self) -> None:
        """SQLite's page cache and file mapping back to their sizes, whether the import
        finished or failed."""
        if not self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {self.cache_size}")
                if self.mmap_size is not None:
                    cursor.execute(f"PRAGMA mmap_size = {self.mmap_size}")


def register_empty(cursor) -> bool:
    cursor.execute("SELECT 1 FROM places_address LIMIT 1")
    return cursor.fetchone() is None


def address_links() -> list[tuple[str, str]]:
    """(table, column) of every foreign key to Address, read from Django's model registry
    so that places need not import the apps that point at it."""
    links = []
    for relation in Address._meta.related_objects:
        if relation.on_delete is not models.SET_NULL:
            raise RuntimeError(
                f"{relation.related_model.__name__}.{relation.field.name} does not set null "
                "on delete; the address import only knows how to unlink such rows"
            )
        links.append((relation.related_model._meta.db_table, relation.field.column))
    return links
