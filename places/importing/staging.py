# ruff: noqa: S608 (every name in the SQL is a constant here or a table from the model registry)
"""The import's staging table and the merge into the register.

Rows are written in batches to a temporary table (executemany on SQLite, COPY on
PostgreSQL), never held in Python. That table is also the run's record of what the file
had: the removal step deletes the register's rows of this source and these municipalities
that the staging table does not hold, in SQL, so memory stays bounded however many
million ids the file has. The merge is plain INSERT, UPDATE and DELETE on places_address,
so the search index's triggers (SQLite) and indexes (PostgreSQL) follow.
"""

from django.db import models

from ..models import Address

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
# The fields an update compares and writes (all but the key).
VALUES = FIELDS[1:]

TYPES = {"lat": "double precision", "lon": "double precision", "district_id": "bigint"}


def column_types() -> str:
    return ", ".join(f"{field} {TYPES.get(field, 'text')}" for field in FIELDS)


class Stage:
    """One run's staging table `places_import`, unique by source_id (the file's last row
    wins when an id comes twice)."""

    def __init__(self, connection, source: str) -> None:
        self.connection = connection
        self.source = source
        self.postgres = connection.vendor == "postgresql"
        self.written = 0
        with connection.cursor() as cursor:
            if self.postgres:
                # Unkeyed, for COPY; `places_import` is made from it, one row per id.
                cursor.execute(
                    "CREATE TEMP TABLE places_import_raw "
                    f"(seq bigint, {column_types()}) ON COMMIT DROP"
                )
            else:
                cursor.execute("DROP TABLE IF EXISTS temp.places_import")
                cursor.execute(
                    f"CREATE TEMP TABLE places_import ({column_types()}, "
                    "PRIMARY KEY (source_id)) WITHOUT ROWID"
                )

    def write(self, rows: list[tuple]) -> None:
        """Rows in FIELDS order."""
        with self.connection.cursor() as cursor:
            if self.postgres:
                sql = f"COPY places_import_raw (seq, {', '.join(FIELDS)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for seq, row in enumerate(rows, start=self.written):
                        copy.write_row((seq, *row))
            else:
                marks = ", ".join(["%s"] * len(FIELDS))
                cursor.executemany(
                    f"INSERT OR REPLACE INTO places_import ({', '.join(FIELDS)}) VALUES ({marks})",
                    rows,
                )
        self.written += len(rows)

    def close(self) -> int:
        """Finish staging; the number of distinct ids staged."""
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "CREATE TEMP TABLE places_import ON COMMIT DROP AS "
                    f"SELECT DISTINCT ON (source_id) {', '.join(FIELDS)} "
                    "FROM places_import_raw ORDER BY source_id, seq DESC"
                )
                cursor.execute("DROP TABLE places_import_raw")
                cursor.execute("ALTER TABLE places_import ADD PRIMARY KEY (source_id)")
                cursor.execute("ANALYZE places_import")
            cursor.execute("SELECT COUNT(*) FROM places_import")
            return cursor.fetchone()[0]

    def municipalities(self) -> list[str]:
        """The municipalities the file's rows name: a few hundred at most (Sweden has 290)."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT municipality FROM places_import")
            return [row[0] for row in cursor.fetchall()]

    def merge(self, municipalities: list[str]) -> dict[str, int]:
        """Make the register's rows of this source in these municipalities what the staging
        table holds: {"removed", "updated", "added"}."""
        marks = ", ".join(["%s"] * len(municipalities))
        gone = (
            "places_address.source = %s "
            f"AND places_address.municipality IN ({marks}) "
            "AND NOT EXISTS (SELECT 1 FROM places_import s "
            "WHERE s.source_id = places_address.source_id)"
        )
        gone_params = [self.source, *municipalities]
        differs = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        changed = " OR ".join(f"places_address.{f} {differs} s.{f}" for f in VALUES)
        with self.connection.cursor() as cursor:
            # Residents and volunteers pointing at a door that is gone keep their own
            # position and lose the link, as on_delete=SET_NULL says for one delete.
            for table, column in address_links():
                cursor.execute(
                    f"UPDATE {table} SET {column} = NULL WHERE {column} IN "
                    f"(SELECT id FROM places_address WHERE {gone})",
                    gone_params,
                )
            cursor.execute(f"DELETE FROM places_address WHERE {gone}", gone_params)
            removed = cursor.rowcount
            cursor.execute(
                f"UPDATE places_address SET {', '.join(f'{f} = s.{f}' for f in VALUES)} "
                "FROM places_import AS s WHERE places_address.source = %s "
                f"AND places_address.source_id = s.source_id AND ({changed})",
                [self.source],
            )
            updated = cursor.rowcount
            cursor.execute(
                f"INSERT INTO places_address (source, {', '.join(FIELDS)}) "
                f"SELECT %s, {', '.join(FIELDS)} FROM places_import AS s "
                "WHERE NOT EXISTS (SELECT 1 FROM places_address a "
                "WHERE a.source = %s AND a.source_id = s.source_id)",
                [self.source, self.source],
            )
            added = cursor.rowcount
            cursor.execute("DROP TABLE places_import")
        return {"removed": removed, "updated": updated, "added": added}


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
