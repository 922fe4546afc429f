"""Where a volunteer lives, for matching: the door of the address they gave when the address
register knows it, else their district's centre, flagged approximate.

The partner form, the CSV import and `positions_refresh` all place a volunteer here, so the
three say the same thing about the same address. The address wins over the district that
was chosen with it: a door in Flemingsberg is in Flemingsberg, and the district follows
the address (as a resident's does), which the caller is told so it can say so.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from places.models import Address, District
from places.positions import Position, position_of
from places.search import address_geocode, address_search

from .models import Volunteer

# Why a volunteer is still at a district's centre.
NO_ADDRESS, NOT_FOUND, AMBIGUOUS = "no_address", "not_found", "ambiguous"
# What placing a volunteer writes.
POSITION_FIELDS = ["place", "lat", "lon", "district", "position_approximate"]

_POSTCODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Placing:
    """What an address gave: the register's entry (or None and why), the position, and the
    district that was chosen with the address when the address lies in another one."""

    address: str
    place: Address | None
    position: Position
    reason: str  # "" when found, else NO_ADDRESS, NOT_FOUND or AMBIGUOUS
    district_chosen: District | None

    @property
    def district_differs(self) -> bool:
        return (
            self.place is not None
            and self.district_chosen is not None
            and self.position.district is not None
            and self.position.district.pk != self.district_chosen.pk
        )

    def notice(self) -> str:
        """One sentence for the coordinator, or "" when there is nothing to say."""
        if self.reason == NOT_FOUND:
            return _(
                "address “%(address)s” not found in the register: placed at the district "
                "centre (approximate)"
            ) % {"address": self.address}
        if self.reason == AMBIGUOUS:
            return _(
                "address “%(address)s” matches several entries in the register: placed at "
                "the district centre (approximate)"
            ) % {"address": self.address}
        if self.reason == NO_ADDRESS:
            return _("no address: placed at the district centre (approximate)")
        if self.district_differs:
            return _(
                "address “%(address)s” is in %(found)s, not %(chosen)s: the district follows "
                "the address"
            ) % {
                "address": self.address,
                "found": self.position.district,
                "chosen": self.district_chosen,
            }
        return ""


def postcode_clean(text: str) -> str | None:
    """ "141 52" -> "14152"; "" stays ""; anything but five digits -> None."""
    digits = re.sub(r"[\s\xa0-]", "", text or "")
    if not digits:
        return ""
    return digits if _POSTCODE.match(digits) else None


def address_placing(
    *, address: str, postcode: str, district: District | None, fallback: District | None = None
) -> Placing:
    """Geocode `address` against the register (a volunteer's, or a resident's for
    positions_refresh). Not found: `district`'s centre, or the `fallback` district's when
    none was chosen (a volunteer's lat/lon cannot be empty)."""
    address = " ".join((address or "").split())
    place, reason = None, ""
    if not address:
        reason = NO_ADDRESS
    else:
        place = address_geocode(address, postcode=postcode)
        if place is None:
            # The register names several doors (a street without a number, the same street
            # in two localities), or none.
            several = address_search(f"{address} {postcode}".strip(), limit=2)
            reason = AMBIGUOUS if len(several) > 1 else NOT_FOUND
    position = position_of(place, district)
    if position.lat is None and fallback is not None:
        centre = position_of(None, fallback)
        # At the fallback's centre, but not said to be in that district.
        position = Position(centre.lat, centre.lon, None, True)
    return Placing(address, place, position, reason, district)


def volunteer_place(volunteer: Volunteer, placing: Placing) -> list[str]:
    """Put `volunteer` where `placing` says (not saved). Returns the fields to save."""
    position = placing.position
    volunteer.place = placing.place
    if position.lat is not None:
        volunteer.lat, volunteer.lon = position.lat, position.lon
    if placing.place is not None or position.district is not None:
        volunteer.district = position.district
    volunteer.position_approximate = position.approximate
    return list(POSITION_FIELDS)


def volunteer_address_forget(volunteer: Volunteer) -> list[str]:
    """Empty a volunteer's address, postcode and door: they are personal data kept only for
    matching. The position falls back to the district's centre (lat/lon cannot be empty).
    Returns the fields to save."""
    volunteer.address = ""
    volunteer.postcode = ""
    fallback = volunteer.organisation.districts.first() or District.objects.first()
    placing = address_placing(
        address="", postcode="", district=volunteer.district, fallback=fallback
    )
    fields = volunteer_place(volunteer, placing)
    if placing.position.lat is None:
        # No district anywhere to stand in for the door: nowhere rather than at the door.
        volunteer.lat, volunteer.lon = 0.0, 0.0
    return ["address", "postcode", *fields]
