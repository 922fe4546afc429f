"""Reading a file into batches of checked rows, in this process or in a reader process of
its own. Nothing here touches the database (or imports Django's models), so a large file's
parsing, checking and search-text folding run on one CPU while the import writes the
previous batch on the other."""

import csv
import multiprocessing
import queue as queues
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..text import fold
from .csv_register import csv_records
from .osm import osm_file, osm_records
from .records import Found, Refused, Rejected, row_make

# Rows per batch: large enough that a database round trip costs little per row and that
# the register's ordered indexes take a batch in one sweep (25,000 rather than 10,000 took
# a third off SQLite's insert at a million rows), small enough that a batch is a few
# megabytes however large the file.
BATCH = 25_000
# Batches waiting between the reader process and the writer: the memory bound of the pipe.
QUEUE_BATCHES = 2
# Below this size a reader process costs more to start (a second interpreter importing
# osmium and pyproj, half a second) than it saves.
READER_PROCESS_MIN_BYTES = 4 * 1024 * 1024
READER_POLL_S = 2.0


class ImportFailed(Exception):
    """The file could not be imported; nothing was changed."""


@dataclass
class Batch:
    rows: list[tuple] = field(default_factory=list)  # records.row_make's tuples
    rejects: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)
    read: int = 0


def source_kind(path: Path) -> str:
    if osm_file(path):
        return "osm"
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return "csv"
    raise ImportFailed(
        f"{path.name}: neither an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2) nor a CSV"
    )


def batches_read(path: Path, source: str, municipality: str) -> Iterator[Batch]:
    """The file's rows checked, BATCH at a time. With `municipality`, every row gets it and
    rows naming another are refused."""
    records: Iterator[Found | Refused] = osm_records(path) if source == "osm" else csv_records(path)
    wanted = fold(municipality)
    batch = Batch()
    origin = "the start of the file"
    try:
        for record in records:
            batch.read += 1
            origin = record.origin
            if isinstance(record, Refused):
                batch.rejects.append((record.origin, record.reason))
                continue
            if municipality:
                if record.municipality and fold(record.municipality) != wanted:
                    batch.rejects.append((record.origin, f"not in {municipality}"))
                    continue
                record.municipality = municipality
            if source == "csv" and record.municipality:
                # A municipality's own register numbers its doors 1, 2, 3 as the next one
                # does: its ids are only unique within it.
                record.source_id = f"{fold(record.municipality)}/{record.source_id}"
            try:
                batch.rows.append(row_make(record, source))
            except Rejected as reason:
                batch.rejects.append((record.origin, str(reason)))
                continue
            if len(batch.rows) >= BATCH:
                yield batch
                batch = Batch()
    except (RuntimeError, ValueError, csv.Error, OSError) as error:
        # osmium raises RuntimeError for a broken extract, csv a csv.Error.
        raise ImportFailed(f"{path.name}, after {origin}: {error}; nothing changed") from error
    yield batch


def reader_run(queue, path: str, source: str, municipality: str) -> None:
    """The reader process: batches into the queue, then ("done", None) or ("error", why)."""
    try:
        for batch in batches_read(Path(path), source, municipality):
            queue.put(("batch", batch))
        queue.put(("done", None))
    except ImportFailed as error:
        queue.put(("error", str(error)))
    except Exception:  # a bug: its traceback, for the operator to pass on
        queue.put(("error", f"{Path(path).name}: the reader failed\n{traceback.format_exc()}"))


def batches_from_process(path: Path, source: str, municipality: str) -> Iterator[Batch]:
    """batches_read, run in a reader process. Close the iterator (contextlib.closing) so an
    import that fails stops its reader."""
    # spawn, not fork: the importing process holds an open database connection and
    # transaction, which a forked child must never share.
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=QUEUE_BATCHES)
    process = context.Process(
        target=reader_run, args=(queue, str(path), source, municipality), daemon=True
    )
    process.start()
    try:
        while True:
            try:
                kind, value = queue.get(timeout=READER_POLL_S)
            except queues.Empty:
                if not process.is_alive():
                    raise ImportFailed(
                        f"{path.name}: the reader stopped (exit code {process.exitcode}); "
                        "nothing changed"
                    ) from None
                continue
            if kind == "done":
                return
            if kind == "error":
                raise ImportFailed(value)
            yield value
    finally:
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)


def batches_open(path: Path, source: str, municipality: str) -> Iterator[Batch]:
    if path.stat().st_size >= READER_PROCESS_MIN_BYTES:
        return batches_from_process(path, source, municipality)
    return batches_read(path, source, municipality)
