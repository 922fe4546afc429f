"""A first load into an empty register builds the search index after the rows: afterwards
the database holds exactly the indexes and triggers the migration made, search finds the
new doors by their start and by a word inside, and a first load that fails leaves every
index and trigger in place. Runs on SQLite and, with DATABASE_URL set, on PostgreSQL."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from places.importing.reading import BATCH
from places.models import Address
from places.search import address_search
from places.search_index import MIGRATION_STATEMENTS
from places.text import search_text

pytestmark = pytest.mark.django_db

HEADER = "Id;Gata;Nummer;Postnummer;Postort;Kommun;Lat;Lon\n"
DOORS = (
    "1;Storvretsvägen;1;14152;Flemingsberg;Huddinge;59.22;17.94\n"
    "2;Storvretsvägen;3;14152;Flemingsberg;Huddinge;59.22;17.94\n"
    "3;Lillvretsvägen;7;14154;Flemingsberg;Huddinge;59.22;17.94\n"
    "4;Ågatan;2;14130;Huddinge;Huddinge;59.23;17.98\n"
)


def run(path) -> str:
    out = StringIO()
    call_command("addresses_import", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def search_index_now() -> set[tuple[str, str]]:
    """(name, SQL) of every index and trigger on the register, and the FTS5 table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'places_address'"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "AND tbl_name = 'places_address' OR name = 'places_address_fts'"
            )
        return set(cursor.fetchall())


def migration_names() -> set[str]:
    """The names the migration creates, read from its own statements."""
    names = set()
    for create, _drop in MIGRATION_STATEMENTS[connection.vendor]:
        found = re.match(r"CREATE (?:INDEX|TRIGGER|VIRTUAL TABLE) (\w+)", create)
        if found:
            names.add(found.group(1))
    return names


def labels(query: str) -> list[str]:
    """The doors found, street and number ("Storvretsvägen 1")."""
    return [door.label.split(",")[0] for door in address_search(query)]


def test_a_first_load_builds_the_migrations_search_index_and_search_finds_it(tmp_path):
    assert Address.objects.count() == 0
    before = search_index_now()
    assert migration_names() <= {name for name, _sql in before}
    path = tmp_path / "register.csv"
    path.write_text(HEADER + DOORS, encoding="utf-8")

    out = run(path)

    assert "added 4," in out
    assert "first load into an empty register" in out
    assert search_index_now() == before
    # A street's start (the ordered index), a word inside it (trigram index / FTS5), the
    # postcode and a number.
    assert labels("storvretsv")[:2] == ["Storvretsvägen 1", "Storvretsvägen 3"]
    assert labels("vretsvägen 7") == ["Lillvretsvägen 7"]
    assert labels("14130") == ["Ågatan 2"]
    assert labels("agatan 2") == ["Ågatan 2"]
    # The triggers are back: a door written after the load is found by a word inside it.
    door = Address.objects.get(source_id="huddinge/3")
    door.street = "Mossvägen"
    door.search_text = search_text("Mossvägen", "7", "", "14154", "Flemingsberg")
    door.save()
    assert labels("ossvägen 7") == ["Mossvägen 7"]
    assert labels("vretsvägen 7") == []


def test_a_second_import_keeps_the_index_row_by_row(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + DOORS, encoding="utf-8")
    run(path)
    before = search_index_now()
    path.write_text(
        HEADER + DOORS.replace("3;Lillvretsvägen;7", "3;Kvarnvägen;7"), encoding="utf-8"
    )

    out = run(path)

    assert "added 0, updated 1, removed 0, unchanged 3" in out
    assert "first load" not in out
    assert search_index_now() == before
    assert labels("arnvägen 7") == ["Kvarnvägen 7"]
    assert labels("vretsvägen 7") == []


def test_a_first_load_that_fails_leaves_the_index_and_triggers_in_place(tmp_path):
    before = search_index_now()
    path = tmp_path / "register.csv"
    # More good rows than one batch, written while the index is dropped, then one row the
    # csv module cannot read.
    good = "".join(
        f"{n};Nygatan;{n};14152;Flemingsberg;Huddinge;59.22;17.94\n" for n in range(BATCH + 2000)
    )
    path.write_bytes((HEADER + good).encode() + b'x;"Ny"gatan;1;14152;F;Huddinge;59;17\n')

    with pytest.raises(CommandError, match="nothing changed"):
        run(path)

    assert Address.objects.count() == 0
    assert search_index_now() == before
    # Search works on the register as it was, and its triggers keep it as before.
    path.write_text(HEADER + DOORS, encoding="utf-8")
    assert "first load into an empty register" in run(path)
    assert labels("vretsvägen 7") == ["Lillvretsvägen 7"]
    Address.objects.get(source_id="huddinge/4").delete()
    assert labels("agatan 2") == []
