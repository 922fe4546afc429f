"""Small builders for test data. Plain functions with sensible defaults; pass what matters."""

import itertools

from django.contrib.auth.models import User

from helpdesk.models import HelpRequest, Resident
from helpdesk.services import helprequest_create
from matching.models import Organisation, Volunteer
from places.models import Address, District
from places.text import search_text

_numbers = itertools.count(1)

# Huddinge centrum, and a point about 1 km south-west of it.
CENTRE = (59.2365, 17.9820)


def mobile() -> str:
    """A fresh, valid Swedish mobile number in E.164."""
    return f"+46702{next(_numbers):06d}"


def landline() -> str:
    return f"+4687{next(_numbers):06d}"


def district_make(**fields) -> District:
    n = next(_numbers)
    values = dict(
        name=f"District {n}",
        code=f"district-{n}",
        lat=CENTRE[0],
        lon=CENTRE[1],
        population=10000,
        population_70_plus=1000,
    )
    values.update(fields)
    return District.objects.create(**values)


def address_make(street: str, number: str, **fields) -> Address:
    """A door of the address register, with its search text as the importers write it."""
    values = dict(
        street=street,
        number=number,
        letter="",
        postcode="",
        locality="",
        lat=CENTRE[0],
        lon=CENTRE[1],
        source="test",
        source_id=f"test-{next(_numbers)}",
    )
    values.update(fields)
    values["search_text"] = search_text(
        values["street"], values["number"], values["letter"], values["postcode"], values["locality"]
    )
    return Address.objects.create(**values)


def resident_make(**fields) -> Resident:
    values = dict(name="Greta Svensson", phone=mobile(), lat=CENTRE[0], lon=CENTRE[1])
    values.update(fields)
    if "district" not in values:
        values["district"] = district_make()
    return Resident.objects.create(**values)


def organisation_make(**fields) -> Organisation:
    n = next(_numbers)
    values = dict(name=f"Organisation {n}", kind=Organisation.Kind.NGO, languages={"sv"})
    values.update(fields)
    coordinators = values.pop("coordinators", [])
    organisation = Organisation.objects.create(**values)
    organisation.coordinators.set(coordinators)
    return organisation


def volunteer_make(**fields) -> Volunteer:
    values = dict(
        first_name="Vera",
        last_name="Volontär",
        phone=mobile(),
        languages={"sv"},
        skills={"groceries", "pharmacy", "callback", "phone_friend", "errand"},
        lat=CENTRE[0],
        lon=CENTRE[1],
        vetted=True,
    )
    values.update(fields)
    if "organisation" not in values:
        values["organisation"] = organisation_make()
    return Volunteer.objects.create(**values)


def helprequest_make(*, actor: User | None = None, **fields) -> HelpRequest:
    values = dict(kind=HelpRequest.Kind.GROCERIES, task_text="Handla mat")
    values.update(fields)
    if "resident" not in values:
        values["resident"] = resident_make()
    return helprequest_create(actor=actor, **values)
