"""Importing a national-size address extract: `addresses_import` of a generated .osm.pbf
into SQLite and PostgreSQL (the search index included), against pyosmium's own bare
read of the same file, in the same run.

    .venv/bin/python bench/addresses_import.py                  # 1,000,000 addresses
    .venv/bin/python bench/addresses_import.py --count 100000   # a quicker run

The extract: 95 % address nodes and 5 % building ways (four corners each) in the
Stockholm-Mälaren region, 4,000 streets, numbers 1-199, a letter on one in six, written with
osmium.SimpleWriter into a temp directory. Each import runs in a child process of its own,
so its peak resident set (VmHWM) is the import's: a fresh SQLite file
/tmp/samhjalp_places_bench.sqlite3, or the PostgreSQL database bench_places on
postgresql://postgres@127.0.0.1:5432 (created and dropped by the script). Each database
gets three imports, each in a process of its own as an operator runs them: into an empty
register (a first load, the search index built after the rows), the same file again
unchanged, and a modified file (1 % of the addresses changed, 1 % new, 1 % removed), the
incremental path that keeps the index row by row.

Latest figures: docs/benchmarks.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_FILE = "/tmp/samhjalp_places_bench.sqlite3"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "bench_places"
REGION = (58.8, 60.2, 16.0, 19.0)
WAY_SHARE = 0.05
STREETS = 4000
TIMEOUT_S = 1800
READER_POLL_S = 0.1


# The modified file: of every hundred addresses one is gone, one changed (its number), and
# one in a hundred more is new.
MODIFIED_SHARE = 100


def extract_write(path: Path, count: int, modified: bool = False) -> dict:
    """`count` addresses: nodes, and building ways whose corners are untagged nodes. With
    `modified`, the same extract with 1 % removed, 1 % changed and 1 % new; the changes,
    as counts."""
    import numpy as np
    import osmium

    rng = np.random.default_rng(7)
    lat_min, lat_max, lon_min, lon_max = REGION
    lats = rng.uniform(lat_min, lat_max, count)
    lons = rng.uniform(lon_min, lon_max, count)
    streets = rng.integers(0, STREETS, count)
    numbers = rng.integers(1, 200, count)
    letters = rng.integers(0, 6 * 26, count)
    ways = int(count * WAY_SHARE)
    new = count // MODIFIED_SHARE if modified else 0
    stems = ["Stor", "Kyrk", "Skol", "Björk", "Ek", "Sjö", "Åker", "Häll", "Ängs", "Tall"]
    ends = ["gatan", "vägen", "stigen", "gränd", "backen"]
    changes = {"removed": 0, "updated": 0, "added": new}

    def tags(i: int) -> dict:
        s = int(streets[i % count])
        letter = chr(65 + letters[i % count]) if letters[i % count] < 26 else ""
        number = int(numbers[i % count]) + (1000 if i >= count else 0)
        if modified and i % MODIFIED_SHARE == 1:
            number += 500
        return {
            "addr:street": f"{stems[s % 10]}{ends[s // 10 % 5]} {s // 50 or ''}".strip(),
            "addr:housenumber": f"{number}{letter}",
            "addr:postcode": f"{141 + s % 60} {s % 90 + 10}",
            "addr:city": f"Ort {s % 120}",
        }

    def kept(i: int) -> bool:
        if not modified:
            return True
        changes["removed"] += i % MODIFIED_SHARE == 0
        changes["updated"] += i % MODIFIED_SHARE == 1
        return i % MODIFIED_SHARE != 0

    writer = osmium.SimpleWriter(str(path))
    try:
        corner = count + 1  # the ways' corner nodes come after the address nodes
        for i in range(count - ways):
            if kept(i):
                writer.add_node(
                    osmium.osm.mutable.Node(id=i + 1, location=(lons[i], lats[i]), tags=tags(i))
                )
        for i in range(count - ways, count):
            for dlat, dlon in ((0, 0), (0, 2e-4), (1e-4, 2e-4), (1e-4, 0)):
                writer.add_node(
                    osmium.osm.mutable.Node(id=corner, location=(lons[i] + dlon, lats[i] + dlat))
                )
                corner += 1
        for k in range(new):  # new doors, at the positions of others
            writer.add_node(
                osmium.osm.mutable.Node(
                    id=corner + k, location=(lons[k], lats[k]), tags=tags(count + k)
                )
            )
        for n, i in enumerate(range(count - ways, count)):
            first = count + 1 + 4 * n
            refs = [first, first + 1, first + 2, first + 3, first]
            if kept(i):
                writer.add_way(
                    osmium.osm.mutable.Way(
                        id=n + 1, nodes=refs, tags={"building": "yes", **tags(i)}
                    )
                )
    finally:
        writer.close()
    return changes


def bare_read(path: Path) -> dict:
    """pyosmium alone: a handler that touches every address's tags, node locations kept
    for the ways (as the import needs them)."""
    import osmium

    class Touch(osmium.SimpleHandler):
        def __init__(self):
            super().__init__()
            self.seen = 0

        def node(self, n):
            if "addr:housenumber" in n.tags:
                self.seen += len(n.tags.get("addr:street", ""))

        def way(self, w):
            if "addr:housenumber" in w.tags:
                self.seen += len(w.tags.get("addr:street", "")) + len(w.nodes)

    start, cpu = time.perf_counter(), time.process_time()
    Touch().apply_file(str(path), locations=True)
    return {"seconds": time.perf_counter() - start, "cpu_s": time.process_time() - cpu}


def peak_rss_mb(pid: str = "self") -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # the process has ended
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class ReaderPeak:
    """The largest peak resident set of this process's children (the reader process) while
    a run lasts, read from /proc every READER_POLL_S. Not RUSAGE_CHILDREN's ru_maxrss: a
    child started by fork-and-exec carries over its parent's peak at the fork, so it would
    report the importer's size, not the reader's."""

    def __init__(self) -> None:
        import threading

        self.peak = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self) -> None:
        tasks = Path("/proc/self/task")
        while not self.stop.wait(READER_POLL_S):
            for task in tasks.iterdir():
                try:
                    children = (task / "children").read_text().split()
                except OSError:
                    continue
                for pid in children:
                    self.peak = max(self.peak, peak_rss_mb(pid))

    def __enter__(self) -> "ReaderPeak":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def backend_cpu_s() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (the server is on this
    machine), 0 for SQLite, which runs in the importing process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_measure(path: str, **options) -> dict:
    """One import, with its wall clock, CPU (importer, reader process, PostgreSQL backend)."""
    from places.importing.runner import address_import

    # The importer's peak from here: writing 5 to clear_refs resets VmHWM (Linux 4.0+).
    Path("/proc/self/clear_refs").write_text("5")
    reader_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    backend = backend_cpu_s()
    cpu = time.process_time()
    with ReaderPeak() as reader_peak:
        summary = address_import(path, **options)
    reader = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "read": summary.read,
        "added": summary.added,
        "updated": summary.updated,
        "removed": summary.removed,
        "unchanged": summary.unchanged,
        "rejected": sum(summary.rejected.values()),
        "first_load": summary.first_load,
        "index_seconds": summary.index_seconds,
        "seconds": summary.seconds,
        "cpu_s": time.process_time() - cpu,
        "reader_cpu_s": reader.ru_utime
        + reader.ru_stime
        - reader_before.ru_utime
        - reader_before.ru_stime,
        "server_cpu_s": backend_cpu_s() - backend,
        "peak_rss_mb": peak_rss_mb(),
        "reader_rss_mb": reader_peak.peak,
    }


def child(db: str, kind: str, path: str) -> None:
    """In its own process, as an operator runs the command: one import. The first of a
    database's three ("first") starts from a fresh database, migrated (not timed)."""
    if db == "sqlite":
        if kind == "first":
            for suffix in ("", "-wal", "-shm"):
                Path(SQLITE_FILE + suffix).unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = SQLITE_FILE
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_DEBUG"] = "False"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + os.urandom(24).hex())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.migrations.recorder import MigrationRecorder

    if kind == "first":
        call_command("migrate", verbosity=0)
    from places.models import Address

    indexed = MigrationRecorder.Migration.objects.filter(
        app="places", name="0002_search_index"
    ).exists()
    run = run_measure(path, progress=lambda line: print(line, file=sys.stderr))
    print(
        json.dumps({"db": db, "search_index": indexed, "rows": Address.objects.count(), "run": run})
    )


def database_reset(create: bool) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        if create:
            conn.execute(f"CREATE DATABASE {PG_NAME}")


def results_check(r: dict, count: int, changes: dict) -> None:
    """Every run did what the files say, or the figures mean nothing."""
    first, again, modified = r["runs"]["first"], r["runs"]["again"], r["runs"]["modified"]
    expected = (
        first["added"] == count and first["first_load"] and not first["rejected"],
        again["unchanged"] == count and not again["first_load"],
        modified["added"] == changes["added"],
        modified["updated"] == changes["updated"],
        modified["removed"] == changes["removed"],
        r["rows"] == count - changes["removed"] + changes["added"],
    )
    if not all(expected):
        sys.exit(f"{r['db']}: expected {count} rows and {changes}, got {r}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"load average before: {load:.1f} on {os.cpu_count()} CPUs", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="samhjalp-bench-") as scratch:
        path = Path(scratch) / "addresses.osm.pbf"
        modified = Path(scratch) / "addresses-modified.osm.pbf"
        start = time.perf_counter()
        extract_write(path, args.count)
        changes = extract_write(modified, args.count, modified=True)
        print(
            f"wrote {args.count:,} addresses ({path.stat().st_size / 1e6:.0f} MB) and the "
            f"modified file {changes} in {time.perf_counter() - start:.0f} s",
            file=sys.stderr,
        )
        bare = bare_read(path)
        results = []
        for db in ("sqlite",) if args.skip_postgres else ("sqlite", "postgresql"):
            if db == "postgresql":
                database_reset(create=True)
            result = {"db": db, "runs": {}}
            try:
                for kind, file in (("first", path), ("again", path), ("modified", modified)):
                    out = subprocess.run(
                        [sys.executable, __file__, "child", db, kind, str(file)],
                        capture_output=True,
                        text=True,
                        timeout=TIMEOUT_S,
                    )
                    if out.returncode:
                        sys.exit(out.stderr)
                    answer = json.loads(out.stdout.strip().splitlines()[-1])
                    result["runs"][kind] = answer["run"]
                    result["rows"] = answer["rows"]
                    result["search_index"] = answer["search_index"]
            finally:
                if db == "postgresql":
                    database_reset(create=False)
            results.append(result)
    print(f"load average after: {os.getloadavg()[0]:.1f}", file=sys.stderr)
    bare_rate = args.count / bare["seconds"]
    print(
        "| run | addresses read | seconds | addresses/s | of pyosmium's bare read "
        "| CPU s: importer + reader + server | peak RSS: importer + reader |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| pyosmium bare read | {args.count:,} | {bare['seconds']:.1f} "
        f"| {bare_rate:,.0f} | 1 | {bare['cpu_s']:.1f} | |"
    )
    names = {
        "first": "first load, empty register",
        "again": "re-import, unchanged",
        "modified": "re-import, 1 % changed, 1 % new, 1 % removed",
    }
    for r in results:
        index = "search index included" if r["search_index"] else "no search index"
        for kind, name in names.items():
            run = r["runs"][kind]
            rate = run["read"] / run["seconds"]
            print(
                f"| {r['db']} ({index}): {name} | {run['read']:,} "
                f"| {run['seconds']:.1f} | {rate:,.0f} | {rate / bare_rate:.2f} "
                f"| {run['cpu_s']:.1f} + {run['reader_cpu_s']:.1f} + {run['server_cpu_s']:.1f} "
                f"| {run['peak_rss_mb']:.0f} + {run['reader_rss_mb']:.0f} MB |"
            )
    for r in results:
        first = r["runs"]["first"]
        print(
            f"{r['db']} first load: of its {first['seconds']:.1f} s, "
            f"{first['index_seconds']:.1f} s building the search index after the rows"
        )
    for r in results:
        results_check(r, args.count, changes)


if __name__ == "__main__":
    main()
