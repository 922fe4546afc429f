"""The district of a point, by its boundary: inside, on the edge, outside every district,
in a district of two parts, with a boundary drawn crossing itself, and after a boundary
changes."""

import pytest

from places.geometry import district_id_at
from places.positions import position_of
from tests.factories import district_make

pytestmark = pytest.mark.django_db


def square(west: float, south: float, size: float) -> list:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return [ring]


def polygon(west: float, south: float, size: float = 0.02) -> dict:
    return {"type": "Polygon", "coordinates": square(west, south, size)}


def test_a_point_lies_in_the_district_whose_boundary_holds_it():
    west = district_make(lat=59.21, lon=17.91, boundary=polygon(17.90, 59.20))
    east = district_make(lat=59.21, lon=17.93, boundary=polygon(17.92, 59.20))
    assert district_id_at(59.205, 17.905) == west.pk
    assert district_id_at(59.205, 17.935) == east.pk
    # On the shared edge: one of the two, always the same one.
    assert district_id_at(59.21, 17.92) in (west.pk, east.pk)
    assert district_id_at(59.21, 17.92) == district_id_at(59.21, 17.92)
    # Outside every boundary, and a district without one claims nothing.
    district_make(lat=59.5, lon=18.5)
    assert district_id_at(59.5, 18.5) is None
    assert district_id_at(59.30, 17.905) is None


def test_a_district_of_two_parts_and_a_ring_drawn_crossing_itself():
    islands = district_make(
        boundary={
            "type": "MultiPolygon",
            "coordinates": [square(18.00, 59.20, 0.01), square(18.05, 59.20, 0.01)],
        }
    )
    # A bow tie: the ring crosses itself at its middle; shapely repairs it, not a crash.
    bow = district_make(
        boundary={
            "type": "Polygon",
            "coordinates": [
                [[18.10, 59.20], [18.12, 59.22], [18.12, 59.20], [18.10, 59.22], [18.10, 59.20]]
            ],
        }
    )
    assert district_id_at(59.205, 18.055) == islands.pk
    assert district_id_at(59.205, 18.03) is None
    # Both halves of the bow tie stay the district's (buffer(0) would keep only one).
    assert district_id_at(59.21, 18.118) == bow.pk
    assert district_id_at(59.21, 18.102) == bow.pk


def test_a_changed_boundary_is_read_again():
    district = district_make(boundary=polygon(17.90, 59.20))
    assert district_id_at(59.205, 17.905) == district.pk
    district.boundary = polygon(17.80, 59.20)
    district.save()
    assert district_id_at(59.205, 17.905) is None
    assert district_id_at(59.205, 17.805) == district.pk


def test_position_is_the_door_or_the_district_centre_said_to_be_approximate():
    from places.models import Address

    district = district_make(lat=59.25, lon=17.95)
    other = district_make()
    door = Address(street="Storvretsvägen", number="1", lat=59.2101, lon=17.9402, district=other)
    assert position_of(door, district) == position_of(door, None)
    assert (position_of(door, district).lat, position_of(door, district).district) == (
        59.2101,
        other,
    )
    assert not position_of(door, district).approximate
    door.district = None  # a door outside every boundary keeps the district chosen
    assert position_of(door, district).district == district
    centre = position_of(None, district)
    assert (centre.lat, centre.lon, centre.district, centre.approximate) == (
        59.25,
        17.95,
        district,
        True,
    )
    assert position_of(None, None).lat is None
