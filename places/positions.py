"""Where a resident or volunteer is, for matching: at their door when their address is in
the register, else at their district's centre, said to be approximate."""

from dataclasses import dataclass

from .models import Address, District


@dataclass(frozen=True)
class Position:
    lat: float | None
    lon: float | None
    district: District | None
    # True when the position is a district's centre, not a door.
    approximate: bool


def position_of(place: Address | None, district: District | None) -> Position:
    """The position an address picked from the register gives (its district too, where its
    door lies inside a boundary), or the district's centre, or none at all."""
    if place is not None:
        return Position(place.lat, place.lon, place.district or district, False)
    if district is not None:
        return Position(district.lat, district.lon, district, True)
    return Position(None, None, None, True)
