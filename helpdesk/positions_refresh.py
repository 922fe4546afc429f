"""Placing again the residents and volunteers who were placed before the address register
(or whose address it did not know then): those at their district's centre, or flagged
approximate, are looked up by their address text; found, they move to their door.

Batched, one transaction per batch, rows locked and checked again inside it, so a form saved
meanwhile is not overwritten with an older reading. Running it twice changes nothing the
second time: whoever was found is no longer at a centre, and whoever was not is flagged.
"""

import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import F, Q

from matching.models import Volunteer
from matching.search import haversine_km
from matching.volunteer_positions import POSITION_FIELDS, address_placing, volunteer_place

from .models import Resident

BATCH_SIZE = 500


@dataclass
class RefreshTally:
    """What one kind of row came to: found and moved (with the distances), or still
    approximate (by reason: no_address, not_found, ambiguous)."""

    kind: str
    checked: int = 0
    found: int = 0
    # How far each found row moved, for those that had a position before.
    moved_km: list[float] = field(default_factory=list)
    district_changed: int = 0
    approximate: Counter = field(default_factory=Counter)
    # (row id, what happened) for a verbose report; ids only, never an address.
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def still_approximate(self) -> int:
        return sum(self.approximate.values())


def _at_centre() -> Q:
    """Placed at their district's centre: exactly its lat/lon, and no door."""
    return Q(place__isnull=True, lat=F("district__lat"), lon=F("district__lon"))


def residents_due() -> models.QuerySet[Resident]:
    return Resident.objects.filter(anonymised_at__isnull=True).filter(
        Q(position_approximate=True) | _at_centre() | Q(lat__isnull=True)
    )


def volunteers_due() -> models.QuerySet[Volunteer]:
    return Volunteer.objects.filter(Q(position_approximate=True) | _at_centre())


def _refresh_one(row, *, address: str, postcode: str, tally: RefreshTally) -> list[str]:
    """Place `row` by its address (not saved). Returns the fields to save, [] for none."""
    tally.checked += 1
    placing = address_placing(address=address, postcode=postcode, district=row.district)
    if placing.place is None:
        tally.approximate[placing.reason] += 1
        tally.lines.append((row.pk, placing.reason))
        if row.position_approximate:
            return []
        row.position_approximate = True
        return ["position_approximate"]
    before = (row.lat, row.lon, row.district_id)
    volunteer_place(row, placing)
    tally.found += 1
    if row.district_id != before[2]:
        tally.district_changed += 1
    if before[0] is None:
        tally.lines.append((row.pk, "placed at the door (had no position)"))
    else:
        moved = haversine_km(before[0], before[1], row.lat, row.lon)
        tally.moved_km.append(moved)
        tally.lines.append((row.pk, f"moved {moved * 1000:.0f} m"))
    return list(POSITION_FIELDS)


def _kind_refresh(
    due: models.QuerySet, *, kind: str, postcode: bool, dry_run: bool, batch_size: int
) -> RefreshTally:
    tally = RefreshTally(kind=kind)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic():
            rows = due.filter(pk__in=batch).select_related("district").order_by("pk")
            if not dry_run:
                rows = rows.select_for_update(of=("self",))
            for row in rows:
                fields = _refresh_one(
                    row,
                    address=row.address,
                    postcode=row.postcode if postcode else "",
                    tally=tally,
                )
                if fields and not dry_run:
                    row.save(update_fields=fields)
    return tally


def positions_refresh(*, dry_run: bool, batch_size: int = BATCH_SIZE) -> list[RefreshTally]:
    """Look up every resident (not anonymised) and volunteer still at a district's centre or
    flagged approximate. With dry_run, nothing is saved and the tallies say what would be."""
    return [
        _kind_refresh(
            residents_due(),
            kind="residents",
            postcode=False,
            dry_run=dry_run,
            batch_size=batch_size,
        ),
        _kind_refresh(
            volunteers_due(),
            kind="volunteers",
            postcode=True,
            dry_run=dry_run,
            batch_size=batch_size,
        ),
    ]


def tally_text(tally: RefreshTally) -> str:
    """ "volunteers: 12 checked; 5 found (moved median 240 m, at most 1.3 km; 1 to another
    district); 7 still approximate (3 no address, 3 not found, 1 ambiguous)"."""
    found = f"{tally.found} found"
    if tally.moved_km:
        median = statistics.median(tally.moved_km) * 1000
        most = max(tally.moved_km)
        found += f" (moved median {median:.0f} m, at most {most:.1f} km"
        if tally.district_changed:
            found += f"; {tally.district_changed} to another district"
        found += ")"
    reasons = ", ".join(
        f"{tally.approximate[reason]} {reason.replace('_', ' ')}"
        for reason in ("no_address", "not_found", "ambiguous")
        if tally.approximate[reason]
    )
    approximate = f"{tally.still_approximate} still approximate"
    if reasons:
        approximate += f" ({reasons})"
    return f"{tally.kind}: {tally.checked} checked; {found}; {approximate}"
