"""What the maps show: the tile set-up, the district boundaries, and the points of a request
page's map. The maps repeat what the page's tables say; a position is personal data, so each
point is one helpdesk.access lets the viewer read, and nothing else reaches the page."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from matching.models import Volunteer
from places.models import District

from .access import Field, RequestView
from .models import HelpRequest

# About a metre: more digits say nothing more of a door.
DIGITS = 5
BOUNDARY_TYPES = ("Polygon", "MultiPolygon")


def map_config() -> dict:
    """For every map: the tiles (none when MAP_TILE_URL is empty), where the boundaries are
    read, and the map's words in the page's language."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "boundaries": reverse("district_boundaries"),
        "labels": {
            "resident": _("Resident"),
            "approximate": _("approximate: district centre"),
            "district_centre": _("district centre"),
        },
    }


def point(lat: float, lon: float, approximate: bool, label: str, n: int | None = None) -> dict:
    found = {
        "lat": round(lat, DIGITS),
        "lon": round(lon, DIGITS),
        "approximate": bool(approximate),
        "label": label,
    }
    if n is not None:
        found["n"] = n
    return found


def resident_point(view: RequestView, help_request: HelpRequest) -> dict | None:
    """The resident's door for a viewer who may read the address, else their district's
    centre (marked approximate) for one who may read the district, else nothing."""
    resident = help_request.resident
    label = _("Resident")
    if view.may(Field.RESIDENT_ADDRESS) and resident.lat is not None and resident.lon is not None:
        return point(resident.lat, resident.lon, resident.position_approximate, label)
    district = help_request.district or resident.district
    if view.may(Field.DISTRICT) and district is not None:
        return point(district.lat, district.lon, True, label)
    return None


def request_map(view: RequestView, help_request: HelpRequest, candidates: list, offers: list):
    """The request page's points: the resident, then the ranked candidates numbered as the
    candidates table is (1 first). A viewer who gets no candidates (a coordinator) gets the
    volunteers of their own offers instead, numbered as the page lists them; `offers` is
    already cut to the volunteers the view may see."""
    people = []
    if candidates:
        ids = [c.volunteer_id for c in candidates]
        where = {
            row["pk"]: row
            for row in Volunteer.objects.filter(pk__in=ids).values(
                "pk", "lat", "lon", "position_approximate"
            )
        }
        for n, candidate in enumerate(candidates, start=1):
            row = where.get(candidate.volunteer_id)
            if row is not None:
                label = f"{n}. {candidate.name}"
                people.append(point(row["lat"], row["lon"], row["position_approximate"], label, n))
    elif not view.may(Field.CANDIDATES):
        for n, offer in enumerate(offers, start=1):
            volunteer = offer.volunteer
            if view.may_see_volunteer(volunteer):
                label = f"{n}. {volunteer}"
                people.append(
                    point(volunteer.lat, volunteer.lon, volunteer.position_approximate, label, n)
                )
    return {"resident": resident_point(view, help_request), "people": people}


def district_feature(district: District) -> dict:
    """A district as a GeoJSON feature: its boundary, or its centre as a point when it has no
    boundary (or one that is not a polygon). The centre is in the properties either way."""
    boundary = district.boundary
    has_boundary = (
        isinstance(boundary, dict)
        and boundary.get("type") in BOUNDARY_TYPES
        and bool(boundary.get("coordinates"))
    )
    geometry = (
        boundary if has_boundary else {"type": "Point", "coordinates": [district.lon, district.lat]}
    )
    return {
        "type": "Feature",
        "id": district.pk,
        "geometry": geometry,
        "properties": {
            "id": district.pk,
            "name": district.name,
            "code": district.code,
            "centre": [district.lat, district.lon],
            "boundary": has_boundary,
        },
    }


def district_collection() -> dict:
    districts = District.objects.only("pk", "name", "code", "lat", "lon", "boundary")
    return {"type": "FeatureCollection", "features": [district_feature(d) for d in districts]}


def board_legend() -> dict:
    """The board map's key: a letter per open status (in the marker), a shape and a colour
    per urgency, so colour is never the only cue."""
    letters = {
        HelpRequest.Status.NEW: pgettext("map letter for the status New", "N"),
        HelpRequest.Status.MATCHING: pgettext("map letter for the status Matching", "M"),
        HelpRequest.Status.OFFERED: pgettext("map letter for the status Offered", "O"),
        HelpRequest.Status.ASSIGNED: pgettext("map letter for the status Assigned", "A"),
        HelpRequest.Status.ESCALATED: pgettext("map letter for the status Escalated", "E"),
    }
    shapes = {
        HelpRequest.Urgency.LOW: _("square"),
        HelpRequest.Urgency.NORMAL: _("circle"),
        HelpRequest.Urgency.URGENT: _("diamond"),
    }
    return {
        "statuses": [
            {"code": str(status), "letter": letter, "label": str(status.label)}
            for status, letter in letters.items()
        ],
        "urgencies": [
            {"value": int(urgency), "shape": shape, "label": str(urgency.label)}
            for urgency, shape in shapes.items()
        ],
    }
