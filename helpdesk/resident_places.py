"""A resident's address as the operator picks or types it, and the position it gives.

The picked register entry (`place`) is the door matching measures from. A typed address that
the register does not know is kept as text, and the resident is placed at their district's
centre, said to be approximate (places.positions.position_of decides both). A pick is only
ever saved with the text it was picked as: text edited after the pick is an address typed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from config.ids import id_read
from places.models import Address
from places.positions import position_of
from places.search import address_geocode
from places.text import fold

from .models import Resident


@dataclass(frozen=True)
class Where:
    """What a resident's position follows, as it was before an edit."""

    address: str
    district_id: int | None
    place_id: int | None


def resident_where(resident: Resident) -> Where:
    return Where(resident.address, resident.district_id, resident.place_id)


def place_read(raw: str, address: str) -> tuple[Address | None, str]:
    """The register entry a form's hidden `place` names, and an error for the address field
    when it names one the register no longer has (a re-import removed it while the caller
    talked). A pick whose text was changed afterwards is no pick: the text is what was said."""
    if not (raw or "").strip():
        return None, ""
    pk = id_read(raw)
    place = Address.objects.select_related("district").filter(pk=pk).first() if pk else None
    if place is None:
        return None, _(
            "The picked address is no longer in the register: pick it again, or save it as "
            "typed (the position is then the district's centre)."
        )
    if fold(address) not in (fold(place.label), fold(place.door)):
        return None, ""
    return place, ""


def resident_position_apply(resident: Resident, *, place: Address | None, before: Where) -> None:
    """Set the resident's place and position after their address or district was edited.

    A new pick replaces the place; an address whose text changed without one is looked up
    (address_geocode: the one door it names, or none), so a stale door is never kept; an
    unchanged address keeps its pick. The position and the
    district then follow position_of: the door and the address's district, else the
    district's centre flagged approximate.
    """
    if place is None and resident.address.strip() and resident.address != before.address:
        # Typed, not picked: a full address the register names exactly once (the label as
        # the list showed it, say) is that door all the same.
        place = address_geocode(resident.address)
    if place is not None or resident.address != before.address:
        resident.place = place
    moved = resident_where(resident) != before
    if moved or resident.lat is None:
        position = position_of(resident.place, resident.district)
        resident.lat, resident.lon = position.lat, position.lon
        resident.district = position.district
        resident.position_approximate = position.approximate
