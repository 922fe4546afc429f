"""One import of the address register from one file, in one transaction: read and check
in batches (in a reader process for a large file), place each batch in its districts and
write it, then remove what the file no longer has. A bad file or a crash leaves the
register as it was."""

import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from .locate import DistrictLocator
from .reading import ImportFailed, batches_open, source_kind
from .staging import Stage

PROGRESS_EVERY_S = 5.0
EXAMPLES_KEPT = 3

__all__ = ["ImportFailed", "ImportSummary", "address_import"]


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
    # Into an empty register: the search index built after the rows (staging.py).
    first_load: bool = False
    index_seconds: float = 0.0
    municipalities: list[str] = field(default_factory=list)
    # Why a real run would stop short of its removal (removal_too_large), or "".
    removal_held: str = ""
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
        scope = ", ".join(m or "(no municipality)" for m in self.municipalities)
        out = [
            f"{'Dry run, nothing changed: ' if self.dry_run else ''}"
            f"{self.source} addresses for {scope or '(none)'}",
            f"read {self.read}, added {self.added}, updated {self.updated}, "
            f"removed {self.removed}, unchanged {self.unchanged}, "
            f"rejected {sum(self.rejected.values())}",
        ]
        if self.first_load:
            out.append(
                "first load into an empty register: the search index built after the rows "
                f"({self.index_seconds:.1f} s)"
            )
        if self.removal_held:
            out.append(f"Held back: {self.removal_held}")
        if self.duplicates:
            out.append(f"{self.duplicates} ids came more than once: the last row kept")
        for reason, count in self.rejected.most_common():
            out.append(f"  rejected, {reason}: {count} (e.g. {', '.join(self.examples[reason])})")
        out.append(f"{self.seconds:.1f} s, {self.rate:,.0f} rows/s")
        return out


# A re-import that would remove more than this share of what the source had (and more than
# REMOVAL_FLOOR rows) is held back until it is confirmed: a file cut off by a failed download,
# or one district's export given for the whole municipality, would otherwise empty the
# register of the rest.
REMOVAL_SHARE_MAX = 0.10
REMOVAL_FLOOR = 20


def removal_too_large(removed: int, existing: int) -> bool:
    return removed > REMOVAL_FLOOR and removed > REMOVAL_SHARE_MAX * existing


def address_import(
    path: Path | str,
    *,
    municipality: str = "",
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    allow_removal: bool = False,
) -> ImportSummary:
    """Import one file into the register (see places/importing/__init__.py)."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file")
    source = source_kind(path)
    summary = ImportSummary(source=source, dry_run=dry_run)
    municipality = " ".join(municipality.split())
    # The municipalities the rows name: Sweden has 290, so a set is bounded.
    named: set[str] = set()
    started = last_told = time.monotonic()
    with transaction.atomic(), closing(batches_open(path, source, municipality)) as batches:
        stage = Stage(connection, source)
        try:
            locator = DistrictLocator()
            for batch in batches:
                summary.read += batch.read
                for origin, reason in batch.rejects:
                    summary.reject(origin, reason)
                # The last row wins when an id comes twice in one batch.
                rows = list({row[0]: row for row in batch.rows}.values())
                summary.duplicates += len(batch.rows) - len(rows)
                if rows:
                    districts = locator.ids_at([r[8] for r in rows], [r[7] for r in rows])
                    stage.batch_merge(
                        [(*row, district) for row, district in zip(rows, districts, strict=True)]
                    )
                    named.update(row[6] for row in rows)
                now = time.monotonic()
                if progress and now - last_told >= PROGRESS_EVERY_S:
                    last_told = now
                    rate = summary.read / (now - started)
                    progress(f"read {summary.read:,} rows, {rate:,.0f} rows/s")
            if not named:
                raise ImportFailed(
                    f"{path.name}: no address could be read ({summary.read} rows); nothing changed"
                )
            summary.municipalities = [municipality] if municipality else sorted(named)
            summary.removed = stage.finish(summary.municipalities)
            existing = summary.removed + stage.updated + stage.unchanged
            if not allow_removal and removal_too_large(summary.removed, existing):
                summary.removal_held = (
                    f"this would remove {summary.removed} of the {existing} addresses this "
                    f"source had for {', '.join(summary.municipalities)}: is the file cut off "
                    "or only part of the register? If the removal is meant, run again with "
                    "--allow-removal"
                )
                if not dry_run:
                    raise ImportFailed(f"{path.name}: {summary.removal_held}; nothing changed")
        finally:
            stage.release()
        summary.added, summary.updated = stage.added, stage.updated
        summary.unchanged = stage.unchanged
        summary.first_load = stage.first_load
        summary.index_seconds = stage.index_seconds
        summary.duplicates += stage.repeated
        if dry_run:
            transaction.set_rollback(True)
    summary.seconds = time.monotonic() - started
    return summary
