"""One import of the address register from one file, in one transaction: read, check,
stage in batches, then merge. A bad file or a crash leaves the register as it was."""

import csv
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from ..text import fold
from .csv_register import csv_records
from .locate import DistrictLocator
from .osm import osm_file, osm_records
from .records import Found, Refused, Rejected, row_make
from .staging import Stage

# Rows per staging write: large enough that a write costs little per row, small enough
# that a batch is a few megabytes whatever the file's size.
BATCH = 5000
PROGRESS_EVERY_S = 5.0
EXAMPLES_KEPT = 3


class ImportFailed(Exception):
    """The file could not be imported; nothing was changed."""


@dataclass
class ImportSummary:
    source: str
    dry_run: bool = False
    read: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    municipalities: list[str] = field(default_factory=list)
    rejected: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def reject(self, origin: str, reason: str) -> None:
        self.rejected[reason] += 1
        kept = self.examples.setdefault(reason, [])
        if len(kept) < EXAMPLES_KEPT:
            kept.append(origin)

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        scope = ", ".join(m or "(none)" for m in self.municipalities)
        out = [
            f"{'Dry run, nothing changed: ' if self.dry_run else ''}"
            f"{self.source} addresses for {scope or '(none)'}",
            f"read {self.read}, added {self.added}, updated {self.updated}, "
            f"removed {self.removed}, unchanged {self.unchanged}, "
            f"rejected {sum(self.rejected.values())}",
        ]
        if self.duplicates:
            out.append(f"{self.duplicates} ids came more than once: the last row kept")
        for reason, count in self.rejected.most_common():
            out.append(f"  rejected, {reason}: {count} (e.g. {', '.join(self.examples[reason])})")
        out.append(f"{self.seconds:.1f} s, {self.rate:,.0f} rows/s")
        return out


def records_open(path: Path) -> tuple[str, Iterator[Found | Refused]]:
    if osm_file(path):
        return "osm", osm_records(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return "csv", csv_records(path)
    raise ImportFailed(
        f"{path.name}: neither an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2) nor a CSV"
    )


def address_import(
    path: Path | str,
    *,
    municipality: str = "",
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import one file into the register (see places/importing/__init__.py)."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file")
    source, records = records_open(path)
    summary = ImportSummary(source=source, dry_run=dry_run)
    municipality = " ".join(municipality.split())
    wanted = fold(municipality)
    started = last_told = time.monotonic()
    with transaction.atomic():
        stage = Stage(connection, source)
        locator = DistrictLocator()
        batch: list[tuple] = []

        def flush() -> None:
            districts = locator.ids_at([r[8] for r in batch], [r[7] for r in batch])
            stage.write([(*row, district) for row, district in zip(batch, districts, strict=True)])
            batch.clear()

        origin = "the start of the file"
        try:
            for record in records:
                summary.read += 1
                origin = record.origin
                if isinstance(record, Refused):
                    summary.reject(record.origin, record.reason)
                    continue
                if municipality:
                    if record.municipality and fold(record.municipality) != wanted:
                        summary.reject(record.origin, f"not in {municipality}")
                        continue
                    record.municipality = municipality
                try:
                    batch.append(row_make(record, source))
                except Rejected as reason:
                    summary.reject(record.origin, str(reason))
                    continue
                if len(batch) >= BATCH:
                    flush()
                    now = time.monotonic()
                    if progress and now - last_told >= PROGRESS_EVERY_S:
                        last_told = now
                        rate = summary.read / (now - started)
                        progress(f"read {summary.read:,} rows, {rate:,.0f} rows/s")
        except (RuntimeError, ValueError, csv.Error, OSError) as error:
            # osmium raises RuntimeError for a broken extract, csv a csv.Error.
            raise ImportFailed(f"{path.name}, after {origin}: {error}; nothing changed") from error
        if batch:
            flush()
        staged = stage.close()
        if not staged:
            raise ImportFailed(
                f"{path.name}: no address could be read ({summary.read} rows); nothing changed"
            )
        summary.duplicates = stage.written - staged
        summary.municipalities = [municipality] if municipality else stage.municipalities()
        counts = stage.merge(summary.municipalities)
        summary.added, summary.updated, summary.removed = (
            counts["added"],
            counts["updated"],
            counts["removed"],
        )
        summary.unchanged = staged - summary.added - summary.updated
        if dry_run:
            transaction.set_rollback(True)
    summary.seconds = time.monotonic() - started
    return summary
