"""The admin is a privacy tool too: opening a resident there writes the access log, the
resident's page shows no more than /privacy/ does and changes nothing, and no other admin page
(walked from what the analyst's admin index lists) shows a resident's name, phone, address,
notes or texts."""

from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client

from helpdesk.access import Field
from helpdesk.models import AccessLog, Resident
from notifications.phones import phone_display
from tests.conftest import second_factor_verified

from .world import world_make

pytestmark = pytest.mark.django_db

PRIVATE = [
    Field.RESIDENT_NAME,
    Field.RESIDENT_ADDRESS,
    Field.RESIDENT_PHONE,
    Field.NOTES,
    Field.RESIDENT_SMS,
    Field.SAFE_CALLBACK_NOTE,
    Field.TASK_TEXT,
]


def admin_client(user: User) -> Client:
    """Signed in with a confirmed second factor, as the admin site requires of this role."""
    client = Client()
    second_factor_verified(client, user)
    return client


def private_values(world) -> list[str]:
    values = []
    for case in world.cases.values():
        for field in PRIVATE:
            values += case.values.get(field, []) + case.extra.get(field, [])
    return values


def page(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, unescape(response.content.decode(errors="replace"))


@pytest.fixture
def world(run_tasks):
    return world_make(run_tasks)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", password="correct-horse-battery")


@pytest.mark.parametrize("who", ["analyst", "superuser"])
def test_opening_a_resident_in_the_admin_writes_the_access_log(world, superuser, who):
    user = superuser if who == "superuser" else world.users["analyst"]
    client = admin_client(user)
    resident = world.cases["pending"].request.resident
    status, html = page(client, f"/admin/helpdesk/resident/{resident.pk}/change/")
    assert status == 200 and resident.name in html
    entry = AccessLog.objects.get(resident_ref=resident.pk)
    assert (entry.user, entry.action) == (user, AccessLog.Action.VIEW)


def test_the_admins_resident_page_shows_no_more_than_the_privacy_page_and_changes_nothing(
    world, superuser
):
    resident = world.cases["accepted"].request.resident
    Resident.objects.filter(pk=resident.pk).update(lat=59.234567, lon=17.987654)
    resident.refresh_from_db()
    for user in (world.users["analyst"], superuser):
        client = admin_client(user)
        url = f"/admin/helpdesk/resident/{resident.pk}/change/"
        _, admin_html = page(client, url)
        _, privacy_html = page(client, f"/privacy/residents/{resident.pk}/")
        # Every column, by its stored value: shown in the admin only if /privacy/ shows it.
        for column in Resident._meta.concrete_fields:
            value = getattr(resident, column.attname)
            text = str(value) if value not in (None, "", True, False) else ""
            if len(text) >= 5 and text in admin_html:
                assert text in privacy_html, f"{column.name} is in the admin, not on /privacy/"
        assert str(resident.lat) not in admin_html
        assert 'name="name"' not in admin_html and 'name="phone"' not in admin_html
        response = client.post(url, {"name": "Ändrad", "phone": "+46701234567"})
        assert response.status_code == 403
        resident.refresh_from_db()
        assert resident.name != "Ändrad"


def test_no_admin_page_shows_an_analyst_a_residents_data(world):
    """Every list and every object page the analyst's admin offers, except a resident's own
    page (logged, and checked above), shows none of the residents' personal data."""
    client = admin_client(world.users["analyst"])
    index = client.get("/admin/")
    assert index.status_code == 200
    models = [m for app in index.context["app_list"] for m in app["models"]]
    assert {m["object_name"] for m in models} >= {"HelpRequest", "Resident", "Message", "Offer"}
    secrets = private_values(world)
    problems, pages = [], 0
    for model in models:
        url = model["admin_url"]
        urls = [url, url + "?q=a"]
        urls += [f"{url}{pk}/change/" for pk in model["model"].objects.values_list("pk", flat=True)]
        for path in urls:
            if model["object_name"] == "Resident" and path.endswith("/change/"):
                continue
            status, html = page(client, path)
            # A list is always there; a row's own page may be refused (messages: see
            # notifications/admin.py).
            assert status == 200 or (status == 403 and path.endswith("/change/")), path
            pages += status == 200
            problems += [f"{path} shows {v!r}" for v in secrets if v in html]
    assert pages > 50
    assert problems == [], "\n".join(problems)


def test_a_resident_is_found_in_the_admin_by_phone_in_any_format(world):
    client = admin_client(world.users["analyst"])
    resident = world.cases["done"].request.resident
    typed = phone_display(str(resident.phone))
    response = client.get("/admin/helpdesk/resident/", {"q": typed})
    assert list(response.context["cl"].result_list) == [resident]
    response = client.get("/admin/helpdesk/resident/", {"q": resident.name})
    assert list(response.context["cl"].result_list) == []
    assert not AccessLog.objects.exists()
