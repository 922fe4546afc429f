# ruff: noqa: S608 (the column names are fixed; the values are parameters)
"""Address search among 3,000,000 doors: address_search on SQLite and PostgreSQL, against a
rapidfuzz full scan over the same search texts in memory, all in the same run.

    .venv/bin/python bench/address_search.py               # both databases, prints a table
    .venv/bin/python bench/address_search.py sqlite        # one database, prints JSON
    .venv/bin/python bench/address_search.py sqlite 300000 # a smaller register
    BENCH_KEEP=1 ... postgresql                            # keep bench_search afterwards

The register is made up but shaped like Sweden's: street names from prefixes and endings
("Storvrets" + "vägen"), common names far more common than rare ones, each street in a
locality with doors 1 to at most 150, some with letters, localities with a few postcodes.
Queries are what an operator types: a street key by key, with and without the number, without
its diacritics, the number first, a postcode, a locality, a slip of one letter.

Each database is its own: /tmp/samhjalp_search_bench.sqlite3 and bench_search (created and
dropped). Latest figures: docs/benchmarks.md.
"""

import importlib
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_FILE = "/tmp/samhjalp_search_bench.sqlite3"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/bench_search"
DOORS = 3_000_000
TARGETS = 40
FUZZ_QUERIES = 30
WARMUP = 30
SEED = 18

FIRST = [
    "Stor",
    "Lill",
    "Björk",
    "Ek",
    "Gran",
    "Tall",
    "Sjö",
    "Berg",
    "Kyrk",
    "Skol",
    "Kvarn",
    "Mjölnar",
    "Häst",
    "Ängs",
    "Åker",
    "Lind",
    "Asp",
    "Al",
    "Rönn",
    "Hassel",
    "Ljung",
    "Väster",
    "Öster",
    "Norr",
    "Söder",
    "Gamla",
    "Nya",
    "Kungs",
    "Drottning",
    "Prins",
    "Smed",
    "Fisk",
    "Båt",
    "Hamn",
    "Torp",
    "Gård",
    "Mål",
    "Kärr",
    "Sten",
    "Lövs",
    "Hjort",
    "Räv",
    "Örn",
    "Svan",
    "Trast",
    "Lärk",
    "Fält",
    "Slott",
    "Präst",
    "Bro",
]
MIDDLE = [
    ".",
    "vrets",
    "hagens",
    "backs",
    "dals",
    "viks",
    "ängs",
    "ås",
    "bergs",
    "holms",
    "sunds",
    "strands",
    "torps",
    "gårds",
    "mosse",
    "näs",
    "hults",
    "ryds",
    "kulle",
    "lunds",
    "skogs",
    "åkers",
    "sjö",
    "bäcks",
]
ENDINGS = (
    ("vägen", 30),
    ("gatan", 25),
    ("gränd", 5),
    ("stigen", 6),
    ("backen", 5),
    ("plan", 2),
    ("torget", 2),
    ("allén", 2),
    ("gången", 3),
    ("leden", 3),
    ("slingan", 4),
    ("vägen norra", 1),
)
PLACE_ENDINGS = [
    "by",
    "sta",
    "inge",
    "berg",
    "köping",
    "hamn",
    "vik",
    "torp",
    "ö",
    "holm",
    "näs",
    "fors",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def register_make(doors: int):
    """The made-up register as rows (street, number, letter, postcode, locality,
    municipality), the same for every run."""
    rng = random.Random(SEED)
    names = []
    for first in FIRST:
        for middle in MIDDLE:
            for ending, weight in ENDINGS:
                stem = first + ("" if middle == "." else middle)
                names.append((stem + ending, weight))
    rng.shuffle(names)
    # Zipf-like: a few names (a Storgatan) in hundreds of places (about 10,000 doors),
    # most in a handful.
    weights = [w / (rank + 200) for rank, (_n, w) in enumerate(names)]
    names = [n for n, _w in names]
    places = []
    used_codes = set()
    for i in range(600):
        locality = rng.choice(FIRST) + rng.choice(PLACE_ENDINGS)
        if i % 7 == 0:
            locality += "s" + rng.choice(PLACE_ENDINGS)
        codes = []
        for _ in range(rng.randint(1, 12)):
            code = str(rng.randint(10000, 98999))
            if code not in used_codes:
                used_codes.add(code)
                codes.append(code)
        places.append((locality, f"Kommun {i // 2}", codes or ["10000"]))
    rows = []
    while len(rows) < doors:
        street = rng.choices(names, weights)[0]
        locality, municipality, codes = rng.choice(places)
        postcode = rng.choice(codes)
        last = min(150, max(1, int(rng.expovariate(1 / 35))))
        for number in range(1, last + 1):
            letters = [""]
            if rng.random() < 0.12:
                letters = ["A", "B"] if rng.random() < 0.7 else ["", "A", "B", "C"]
            for letter in letters:
                rows.append((street, str(number), letter, postcode, locality, municipality))
    return rows[:doors]


def texts_make(rows) -> list[str]:
    """search_text for every row, each distinct street and locality folded once (the same
    text places.text.search_text writes, checked on a sample)."""
    from places.text import fold, search_text

    folded: dict[str, str] = {}

    def f(s: str) -> str:
        if s not in folded:
            folded[s] = fold(s)
        return folded[s]

    texts = [
        " ".join(p for p in (f(st), f"{n}{le}".lower(), pc, f(lo)) if p)
        for st, n, le, pc, lo, _m in rows
    ]
    for i in range(0, len(rows), max(1, len(rows) // 500)):
        assert texts[i] == search_text(*rows[i][:5]), (texts[i], rows[i])
    return texts


def queries_make(rows) -> list[tuple[str, str]]:
    """(shape, query) pairs as typed, from doors picked at random."""
    from places.text import fold

    rng = random.Random(SEED + 1)
    out = []
    for _ in range(TARGETS):
        street, number, letter, postcode, locality, _m = rng.choice(rows)
        low = street.lower()
        for length in (2, 3, 4, 6, 8):
            if length < len(low):
                out.append((f"street typed, {length} letters", low[:length]))
        out.append(("street in full", low))
        out.append(("street and number", f"{street} {number}{letter}"))
        out.append(("street start and number", f"{low[:6]} {number}"))
        out.append(("no diacritics, number", f"{fold(street)} {number}"))
        if rng.random() < 0.5:
            out.append(("number first", f"{number} {low}"))
            out.append(("postcode", f"{postcode[:3]} {postcode[3:]}"))
            out.append(("postcode being typed", postcode[:3]))
        else:
            out.append(("locality", locality))
            out.append(("street, number, locality", f"{low[:7]} {number} {locality.lower()}"))
        if len(low) >= 9:
            i = rng.randrange(3, len(low) - 3)
            typo = low[:i] + rng.choice("aeioulnrst") + low[i + 1 :]
            out.append(("one letter wrong, number", f"{typo} {number}"))
    return out


def django_setup(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(SQLITE_FILE + suffix).unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = SQLITE_FILE
        os.environ.pop("DATABASE_URL", None)
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_search")
            conn.execute("CREATE DATABASE bench_search")
        os.environ["DATABASE_URL"] = PG_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_DEBUG"] = "False"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + os.urandom(24).hex())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def register_load(rows, texts) -> None:
    """Bulk load: the search indexes dropped, the rows written in one go (executemany on
    SQLite, COPY on PostgreSQL), the indexes made again by the migration's own statements."""
    from django.db import connection

    index = importlib.import_module("places.migrations.0002_search_index")
    with connection.schema_editor() as editor:
        index.indexes_drop(None, editor)
    columns = (
        "street, number, letter, postcode, locality, municipality, lat, lon, source,"
        " source_id, search_text"
    )
    values = (
        (*row, 59.2 + (i % 997) / 5000, 17.9 + (i % 991) / 5000, "bench", str(i), text)
        for i, (row, text) in enumerate(zip(rows, texts, strict=True))
    )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        raw.execute("PRAGMA synchronous=OFF")
        with raw:
            raw.executemany(
                f"INSERT INTO places_address ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", values
            )
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            with cursor.cursor.copy(f"COPY places_address ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
    with connection.schema_editor() as editor:
        index.indexes_create(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE places_address" if connection.vendor != "sqlite" else "ANALYZE")


def timed(fn, items) -> list[float]:
    for item in items[:WARMUP]:
        fn(item)
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def run(db: str, doors: int) -> dict:
    django_setup(db)
    from django.db import connection

    from places.search import address_search

    start = time.perf_counter()
    rows = register_make(doors)
    texts = texts_make(rows)
    made_s = time.perf_counter() - start
    start = time.perf_counter()
    register_load(rows, texts)
    load_s = time.perf_counter() - start
    print(f"{db}: {doors:,} made in {made_s:.0f} s, loaded in {load_s:.0f} s", file=sys.stderr)
    queries = queries_make(rows)
    ms = timed(lambda q: address_search(q[1]), queries)
    # Again: the pages each query reads are now in memory, as for an operator typing on.
    again = timed(lambda q: address_search(q[1]), queries)
    by_shape: dict[str, list[float]] = {}
    for (shape, _q), t in zip(queries, ms, strict=True):
        by_shape.setdefault(shape, []).append(t)
    answers = [[a.source_id for a in address_search(q)] for _s, q in queries]
    result = {
        "db": connection.vendor,
        "doors": doors,
        "queries": len(queries),
        "load_s": round(load_s),
        "p50": round(percentile(ms, 50), 2),
        "p99": round(percentile(ms, 99), 2),
        "max": round(max(ms), 2),
        "again_p50": round(percentile(again, 50), 2),
        "again_p99": round(percentile(again, 99), 2),
        "again_max": round(max(again), 2),
        "found_none": sum(not a for a in answers),
        "shapes": {
            s: [len(v), round(percentile(v, 50), 2), round(percentile(v, 99), 2)]
            for s, v in by_shape.items()
        },
        "slowest": sorted(zip(ms, (q for _s, q in queries), strict=True), reverse=True)[:5],
        "answers": answers,
        "texts": [q for _s, q in queries],
    }
    if db == "sqlite":
        result["rapidfuzz"] = rapidfuzz_scan(texts, queries)
    if db != "sqlite" and not os.getenv("BENCH_KEEP"):
        connection.close()
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_search")
    return result


def rapidfuzz_scan(texts: list[str], queries) -> dict:
    """The in-memory reference: every search text scored against the folded query
    (partial_ratio, as a typed start is part of a text), best 8 kept."""
    from rapidfuzz import fuzz, process

    from places.text import fold

    picked = random.Random(SEED + 2).sample(queries, FUZZ_QUERIES)
    ms = timed(
        lambda q: process.extract(
            fold(q[1]), texts, scorer=fuzz.partial_ratio, limit=8, processor=None
        ),
        picked[: FUZZ_QUERIES // 3] + picked,
    )[FUZZ_QUERIES // 3 :]
    return {
        "queries": FUZZ_QUERIES,
        "p50": round(percentile(ms, 50), 1),
        "p99": round(percentile(ms, 99), 1),
    }


def main() -> None:
    args = sys.argv[1:]
    db = args.pop(0) if args and args[0] in ("sqlite", "postgresql") else None
    doors = int(args[0]) if args else DOORS
    if db:
        print(json.dumps(run(db, doors)))
        return
    print(
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", file=sys.stderr
    )
    results = []
    for db in ("sqlite", "postgresql"):
        out = subprocess.run(
            [sys.executable, __file__, db, str(doors)], capture_output=True, text=True, timeout=3000
        )
        if out.returncode:
            sys.exit(out.stderr)
        print(out.stderr.strip(), file=sys.stderr)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    same = sum(a == b for a, b in zip(results[0]["answers"], results[1]["answers"], strict=True))
    print(
        f"{results[0]['queries']} queries, {doors:,} doors; the same answer on both: "
        f"{same}/{results[0]['queries']}"
    )
    for query, a, b in zip(
        results[0]["texts"], results[0]["answers"], results[1]["answers"], strict=True
    ):
        if a != b:
            print(f"not the same answer: {query!r}", file=sys.stderr)
    print(
        "| database | address_search p50 / p99 / max ms | the same again p50 / p99 / max"
        " | found nothing | load s |"
    )
    print("|---|---|---|---|---|")
    for r in results:
        times = f"{r['p50']} / {r['p99']} / {r['max']}"
        again = f"{r['again_p50']} / {r['again_p99']} / {r['again_max']}"
        print(f"| {r['db']} | {times} | {again} | {r['found_none']} | {r['load_s']} |")
    fuzz_ = results[0]["rapidfuzz"]
    print(
        f"| rapidfuzz partial_ratio full scan, in memory ({fuzz_['queries']} queries) "
        f"| {fuzz_['p50']} / {fuzz_['p99']} | | | |"
    )
    print()
    print(
        "| query shape | queries | " + " | ".join(f"{r['db']} p50 / p99 ms" for r in results) + " |"
    )
    print("|---|---|" + "---|" * len(results))
    for shape, (n, _p50, _p99) in results[0]["shapes"].items():
        cells = " | ".join(f"{r['shapes'][shape][1]} / {r['shapes'][shape][2]}" for r in results)
        print(f"| {shape} | {n} | {cells} |")
    for r in results:
        print(f"slowest on {r['db']}: {r['slowest']}", file=sys.stderr)


if __name__ == "__main__":
    main()
