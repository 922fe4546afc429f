"""Coordinators see and change only their own organisation; another one's ids give 404."""

import pytest

from helpdesk.models import HelpRequest
from helpdesk.services import helprequest_transition
from matching.models import Capacity, Offer, Volunteer
from tests.conftest import make_user
from tests.factories import district_make, helprequest_make, organisation_make, volunteer_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    coordinator = make_user("cora", "coordinator")
    ours = organisation_make(name="Röda Korset", coordinators=[coordinator])
    theirs = organisation_make(name="Other club")
    mine = volunteer_make(organisation=ours, first_name="Maja")
    other = volunteer_make(organisation=theirs, first_name="Otto")
    client.force_login(coordinator)
    return {"client": client, "ours": ours, "theirs": theirs, "mine": mine, "other": other}


def test_a_coordinator_lands_on_their_own_volunteers(setup):
    client, ours = setup["client"], setup["ours"]
    response = client.get("/partners/")
    assert response.status_code == 302 and response.url == f"/partners/{ours.pk}/"
    page = client.get(response.url).content.decode()
    assert "Maja" in page and "Otto" not in page


def test_another_organisations_ids_give_404_everywhere(setup):
    client, theirs, ours = setup["client"], setup["theirs"], setup["ours"]
    other = setup["other"]
    capacity = Capacity.objects.create(organisation=theirs, kind="groceries", per_week=3)
    for path in [
        f"/partners/{theirs.pk}/",
        f"/partners/{theirs.pk}/tasks/",
        f"/partners/{theirs.pk}/capacity/",
        f"/partners/{theirs.pk}/volunteers.csv",
        f"/partners/{theirs.pk}/import/",
        f"/partners/{theirs.pk}/volunteers/add/",
        f"/partners/{theirs.pk}/volunteers/{other.pk}/",
        # Our organisation, their volunteer.
        f"/partners/{ours.pk}/volunteers/{other.pk}/",
    ]:
        assert client.get(path).status_code == 404, path
    for path in [
        f"/partners/{theirs.pk}/volunteers/{other.pk}/pause/",
        f"/partners/{ours.pk}/volunteers/{other.pk}/remove/",
        f"/partners/{theirs.pk}/capacity/{capacity.pk}/delete/",
        f"/partners/{ours.pk}/capacity/{capacity.pk}/delete/",
    ]:
        assert client.post(path).status_code == 404, path
    other.refresh_from_db()
    assert not other.paused and Capacity.objects.filter(pk=capacity.pk).exists()


def test_add_edit_pause_resume(setup):
    client, ours = setup["client"], setup["ours"]
    district = district_make()
    response = client.post(
        f"/partners/{ours.pk}/volunteers/add/",
        {
            "first_name": "Nils",
            "last_name": "N",
            "phone": "070 555 66 77",
            "district": district.pk,
            "languages": ["sv", "so"],
            "skills": ["groceries"],
            "max_distance_km": "3",
            "max_open_tasks": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    nils = Volunteer.objects.get(first_name="Nils")
    assert nils.organisation == ours and str(nils.phone) == "+46705556677"
    assert nils.languages == {"sv", "so"} and (nils.lat, nils.lon) == (district.lat, district.lon)
    # A landline is refused with a clear message.
    response = client.post(
        f"/partners/{ours.pk}/volunteers/{nils.pk}/",
        {
            "first_name": "Nils",
            "phone": "08-123 456 78",
            "district": district.pk,
            "languages": ["sv"],
            "max_distance_km": "3",
            "max_open_tasks": "2",
        },
    )
    assert response.status_code == 200 and "mobil" in response.content.decode().lower()
    client.post(f"/partners/{ours.pk}/volunteers/{nils.pk}/pause/")
    nils.refresh_from_db()
    assert nils.paused and not nils.available
    client.post(f"/partners/{ours.pk}/volunteers/{nils.pk}/resume/")
    nils.refresh_from_db()
    assert not nils.paused
    assert client.post(f"/partners/{ours.pk}/volunteers/{nils.pk}/dance/").status_code == 404


def test_removing_without_history_deletes_with_history_deactivates(setup):
    client, ours, mine = setup["client"], setup["ours"], setup["mine"]
    fresh = volunteer_make(organisation=ours)
    client.post(f"/partners/{ours.pk}/volunteers/{fresh.pk}/remove/", {"confirm": "yes"})
    assert not Volunteer.objects.filter(pk=fresh.pk).exists()

    request = helprequest_make()
    Offer.objects.create(request=request, volunteer=mine, expires_at=request.created_at)
    response = client.post(
        f"/partners/{ours.pk}/volunteers/{mine.pk}/remove/", {"confirm": "yes"}, follow=True
    )
    mine.refresh_from_db()
    assert not mine.is_active and Offer.objects.filter(volunteer=mine).exists()
    assert "Maja" not in client.get(f"/partners/{ours.pk}/").content.decode()
    assert "Maja" in client.get(f"/partners/{ours.pk}/?removed=1").content.decode()
    assert response.status_code == 200


def test_a_volunteer_holding_an_accepted_task_is_not_removed(setup):
    client, ours, mine = setup["client"], setup["ours"], setup["mine"]
    request = helprequest_make()
    helprequest_transition(request=request, to=HelpRequest.Status.ASSIGNED, assigned_volunteer=mine)
    client.post(f"/partners/{ours.pk}/volunteers/{mine.pk}/remove/", {"confirm": "yes"})
    mine.refresh_from_db()
    assert mine.is_active


def test_tasks_show_our_volunteers_work_without_residents_notes(setup):
    client, ours, mine, other = setup["client"], setup["ours"], setup["mine"], setup["other"]
    ours_request = helprequest_make(task_text="Mjölk och bröd", internal_notes="Diabetes, dement")
    helprequest_transition(
        request=ours_request, to=HelpRequest.Status.ASSIGNED, assigned_volunteer=mine
    )
    offered = helprequest_make(task_text="Apoteket")
    Offer.objects.create(request=offered, volunteer=mine, expires_at=offered.created_at)
    theirs_request = helprequest_make(task_text="Hemligt uppdrag")
    helprequest_transition(
        request=theirs_request, to=HelpRequest.Status.ASSIGNED, assigned_volunteer=other
    )
    page = client.get(f"/partners/{ours.pk}/tasks/").content.decode()
    assert "Mjölk och bröd" in page and "Apoteket" in page
    assert "Hemligt uppdrag" not in page
    assert "Diabetes" not in page and ours_request.resident.name not in page
    assert str(ours_request.resident.phone) not in page


def test_capacity_declared_per_kind_and_district(setup):
    client, ours = setup["client"], setup["ours"]
    district = district_make()
    client.post(
        f"/partners/{ours.pk}/capacity/",
        {"kind": "groceries", "district": district.pk, "per_week": "12"},
    )
    row = Capacity.objects.get(organisation=ours)
    assert (row.kind, row.district, row.per_week) == ("groceries", district, 12)
    response = client.post(
        f"/partners/{ours.pk}/capacity/",
        {"kind": "groceries", "district": district.pk, "per_week": "5"},
    )
    assert response.status_code == 200 and Capacity.objects.get(organisation=ours).per_week == 12
    client.post(f"/partners/{ours.pk}/capacity/{row.pk}/delete/")
    assert not Capacity.objects.filter(organisation=ours).exists()


def test_import_dry_run_then_choice(setup):
    client, ours = setup["client"], setup["ours"]
    district_make(name="Alby")
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = ("Förnamn;Telefon;Kommundel;Språk\nAnna;070-777 00 01;Alby;sv\nBo;fel;Alby;sv\n").encode(
        "cp1252"
    )
    upload = SimpleUploadedFile("lista.csv", data, content_type="text/csv")
    page = client.post(f"/partners/{ours.pk}/import/", {"file": upload}).content.decode()
    assert 'data-kind="phone"' in page
    assert not Volunteer.objects.filter(first_name="Anna").exists()
    client.post(f"/partners/{ours.pk}/import/", {"confirm": "1", "mode": "all"})
    assert not Volunteer.objects.filter(first_name="Anna").exists()
    response = client.post(f"/partners/{ours.pk}/import/", {"confirm": "1", "mode": "valid"})
    assert response.status_code == 302
    assert Volunteer.objects.get(first_name="Anna").organisation == ours


def test_operators_look_but_do_not_change(client, operator, setup):
    ours, mine = setup["ours"], setup["mine"]
    client.force_login(operator)
    assert client.get(f"/partners/{ours.pk}/").status_code == 200
    assert client.get(f"/partners/{setup['theirs'].pk}/").status_code == 200
    assert client.post(f"/partners/{ours.pk}/volunteers/{mine.pk}/pause/").status_code == 403
    assert client.get(f"/partners/{ours.pk}/import/").status_code == 403


def test_import_of_an_edited_export_shows_changes_and_updates(setup):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, ours, mine = setup["client"], setup["ours"], setup["mine"]
    exported = client.get(f"/partners/{ours.pk}/volunteers.csv").content.decode("utf-8-sig")
    header, *lines = exported.splitlines()
    assert header.startswith("Förnamn;Efternamn;Telefon;Kommundel;Språk;Uppdrag;Kontrollerad")
    edited = [header] + [
        line.replace(f"{mine.first_name};", "Ändrad;", 1) if str(mine.phone) in line else line
        for line in lines
    ]
    upload = SimpleUploadedFile("lista.csv", "\n".join(edited).encode(), content_type="text/csv")
    page = client.post(f"/partners/{ours.pk}/import/", {"file": upload}).content.decode()
    assert 'data-action="update"' in page and "Förnamn" in page and "Ändrad" in page
    assert "Already registered" not in page and "redan registrerad" not in page.lower()
    response = client.post(f"/partners/{ours.pk}/import/", {"confirm": "1", "mode": "all"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.first_name == "Ändrad"


def test_partner_forms_and_lists_are_in_swedish_with_labels_not_codes(setup):
    client, ours, mine = setup["client"], setup["ours"], setup["mine"]
    Volunteer.objects.filter(pk=mine.pk).update(
        languages={"sv", "ti"}, skills={"groceries", "phone_friend"}
    )
    form = client.get(f"/partners/{ours.pk}/volunteers/add/").content.decode()
    for english in ("First name:", "Vetted:", "Max distance", "Last name:"):
        assert english not in form
    assert "Förnamn:" in form and "Kontrollerad" in form
    # The checkbox sits inside its label, beside the text.
    assert '<label class="check"><input type="checkbox" name="vetted"' in form
    capacity = client.get(f"/partners/{ours.pk}/capacity/").content.decode()
    assert "Kind:" not in capacity and "Per week:" not in capacity
    assert "Per vecka:" in capacity
    listing = client.get(f"/partners/{ours.pk}/").content.decode()
    assert "phone_friend" not in listing and "sv, ti" not in listing
    assert "Matinköp, Telefonvän" in listing and "svenska, tigrinja" in listing


def test_a_distance_is_shown_and_typed_in_the_readers_number_format(setup):
    client, ours, mine = setup["client"], setup["ours"], setup["mine"]
    Volunteer.objects.filter(pk=mine.pk).update(max_distance_km=2.5)
    page = client.get(f"/partners/{ours.pk}/volunteers/{mine.pk}/").content.decode()
    assert 'value="2,5"' in page and 'value="2.5"' not in page
    mine.refresh_from_db()
    response = client.post(
        f"/partners/{ours.pk}/volunteers/{mine.pk}/",
        {
            "first_name": mine.first_name,
            "last_name": mine.last_name,
            "phone": str(mine.phone),
            "district": mine.district_id or district_make().pk,
            "languages": ["sv"],
            "skills": ["groceries"],
            "max_distance_km": "4,5",
            "max_open_tasks": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mine.refresh_from_db()
    assert mine.max_distance_km == 4.5
