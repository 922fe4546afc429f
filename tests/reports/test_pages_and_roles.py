"""Each role against each page of the reports, partner and personal-data areas."""

import csv
import io
from urllib.parse import quote

import pytest
from django.utils import timezone

from tests.conftest import make_user, second_factor_verified
from tests.factories import organisation_make, resident_make, volunteer_make
from tests.reports.world import equity_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(operator, analyst):
    coordinator = make_user("cora", "coordinator")
    organisation = organisation_make(coordinators=[coordinator])
    volunteer = volunteer_make(organisation=organisation)
    resident = resident_make()
    return {
        "operator": operator,
        "admin": analyst,
        "coordinator": coordinator,
        "nobody": make_user("nobody"),
        "org": organisation,
        "volunteer": volunteer,
        "resident": resident,
    }


def pages(p) -> dict[str, dict[str, int]]:
    """path -> expected status per role (GET)."""
    org, resident = p["org"].pk, p["resident"].pk
    report = {"operator": 200, "admin": 200, "coordinator": 403, "nobody": 403}
    privacy = {"operator": 200, "admin": 200, "coordinator": 403, "nobody": 403}
    partner_view = {"operator": 200, "admin": 200, "coordinator": 200, "nobody": 403}
    partner_edit = {"operator": 403, "admin": 200, "coordinator": 200, "nobody": 403}
    # The operators' working pages show residents' contact details: operators only (the
    # access policy gives analysts kind, district and time, helpdesk/access.py).
    working = {"operator": 200, "admin": 403, "coordinator": 403, "nobody": 403}
    phone = quote(str(p["resident"].phone))
    return {
        "/intake/": working,
        f"/intake/lookup/?phone={phone}": working,
        "/callbacks/": working,
        "/sms/simulator/": working,
        f"/sms/simulator/thread/?phone={phone}": working,
        "/reports/needs/": report,
        "/reports/needs/?days=7": report,
        "/reports/needs/districts.csv": report,
        "/reports/needs/series.csv?days=90": report,
        "/privacy/": privacy,
        f"/privacy/residents/{resident}/": privacy,
        f"/privacy/residents/{resident}/export.json": privacy,
        "/privacy/log/": {"operator": 403, "admin": 200, "coordinator": 403, "nobody": 403},
        f"/partners/{org}/": partner_view,
        f"/partners/{org}/tasks/": partner_view,
        f"/partners/{org}/capacity/": partner_view,
        f"/partners/{org}/volunteers.csv": partner_view,
        f"/partners/{org}/import/": partner_edit,
        f"/partners/{org}/volunteers/add/": partner_edit,
        f"/partners/{org}/volunteers/{p['volunteer'].pk}/": partner_edit,
    }


@pytest.mark.parametrize("role", ["operator", "admin", "coordinator", "nobody"])
def test_each_role_against_each_page(client, people, role):
    client.force_login(people[role])
    for path, expected in pages(people).items():
        response = client.get(path)
        assert response.status_code == expected[role], (role, path, response.status_code)
    # The partner list: coordinators are sent to their own organisation.
    assert client.get("/partners/").status_code == (
        403 if role == "nobody" else 200 if role in ("operator", "admin") else 302
    )


def test_anonymous_users_are_sent_to_login(client, people):
    for path in pages(people):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/login/"), path


def test_admin_site_needs_staff_and_the_model_permission(client, people):
    client.force_login(people["coordinator"])
    assert client.get("/admin/helpdesk/accesslog/").status_code == 302
    # An admin is let in once a second factor is given this session.
    client.force_login(people["admin"])
    assert client.get("/admin/helpdesk/accesslog/").status_code == 302
    second_factor_verified(client, people["admin"])
    assert client.get("/admin/helpdesk/accesslog/").status_code == 200


def test_the_page_shows_figures_charts_and_shortfalls(client, analyst):
    equity_world(now=timezone.now())
    client.force_login(analyst)
    page = client.get("/reports/needs/?days=7").content.decode()
    assert page.count("<svg") == 2
    assert "Alby" in page and 'class="short"' in page
    # An unknown period falls back to the default rather than failing.
    assert client.get("/reports/needs/?days=abc").status_code == 200
    assert client.get("/reports/needs/nothing.csv").status_code == 404


@pytest.mark.parametrize(
    "table", ["districts", "cells", "kinds", "languages", "channels", "risks", "series"]
)
def test_every_table_exports_as_csv_for_excel(client, analyst, table):
    equity_world(now=timezone.now())
    client.force_login(analyst)
    response = client.get(f"/reports/needs/{table}.csv?days=90")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)


def test_district_csv_matches_the_figures(client, analyst):
    world = equity_world(now=timezone.now())
    client.force_login(analyst)
    client.cookies.load({"django_language": "en"})
    body = client.get("/reports/needs/districts.csv?days=30").content.decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(body), delimiter=";")}
    alby = rows[world["alby"].name]
    # requests, matched, unmet, escalated, median min, p90 min, per 1,000 aged 70+
    assert alby[1:8] == ["5", "3", "2", "1", "30", "50", "2,5"]
