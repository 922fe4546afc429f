import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from helpdesk.models import HelpRequest, Resident
from matching.models import Offer, Organisation, Volunteer
from places.models import District

pytestmark = pytest.mark.django_db


def counts() -> dict:
    models = [District, Organisation, Volunteer, Resident, HelpRequest, Offer]
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo_twice_duplicates_nothing(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first["District"] == 15
    assert first["Organisation"] >= 6
    assert first["Volunteer"] >= 80
    assert first["Resident"] >= 30
    statuses = set(HelpRequest.objects.values_list("status", flat=True))
    assert statuses == set(HelpRequest.Status.values)
    assert Organisation.objects.filter(takes_sensitive_cases=True, kind="shelter").exists()
    output = capsys.readouterr().out
    assert "operator" in output and "coordinator" in output


def test_the_printed_demo_logins_work(client):
    call_command("seed_demo")
    from helpdesk.management.commands.seed_demo import DEMO_PASSWORD

    # Through the login form (django-axes wants the request); the analyst goes on to set up
    # its second factor, the others are in.
    for username, lands in [("operator", "/"), ("coordinator", "/"), ("analyst", "/login/verify/")]:
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response.url == lands, username
        client.logout()
    coordinator = User.objects.get(username="coordinator")
    assert coordinator.coordinated_organisations.count() == 1


def test_demo_numbers_are_valid_and_in_the_fiction_ranges():
    call_command("seed_demo")
    for phone in Volunteer.objects.values_list("phone", flat=True):
        assert str(phone).startswith("+467017406")
    assert not Volunteer.objects.filter(organisation__takes_sensitive_cases=True).exists()


def test_demo_people_have_names_of_their_own_and_a_history_over_weeks():
    """Candidates are told apart by name first, and the needs page's daily chart shows a
    series: requests met on most days of the last three weeks, with nobody texted about
    them."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from notifications.models import Message

    call_command("seed_demo")
    messages = Message.objects.count()
    volunteers = Volunteer.objects.values("first_name", "last_name")
    assert not volunteers.annotate(n=Count("id")).filter(n__gt=1).exists()
    residents = Resident.objects.exclude(name="").values("name")
    assert not residents.annotate(n=Count("id")).filter(n__gt=1).exists()
    volunteer_names = {f"{v['first_name']} {v['last_name']}" for v in volunteers}
    assert not volunteer_names & set(residents.values_list("name", flat=True))
    days = (
        HelpRequest.objects.filter(
            status="done",
            closed_at__date__lt=HelpRequest.objects.latest("created_at").created_at.date(),
        )
        .annotate(day=TruncDate("closed_at"))
        .values("day")
        .distinct()
        .count()
    )
    assert days >= 14
    call_command("seed_demo")
    assert Message.objects.count() == messages


def test_demo_has_a_register_boundaries_and_people_at_their_doors():
    """Address search, door positions and maps work in `make run`: every district has a
    boundary holding its centre, the register's streets are findable, and residents and
    volunteers stand at a door of it, but for the few flagged at their district's centre."""
    from places.geometry import boundaries_forget, district_id_at
    from places.models import Address
    from places.search import address_search

    call_command("seed_demo")
    boundaries_forget()
    for district in District.objects.all():
        assert district.boundary is not None, district
        assert district_id_at(district.lat, district.lon) == district.pk, district
    assert Address.objects.filter(source="demo").count() > 1000
    assert not Address.objects.filter(district=None).exists()
    assert str(address_search("Storvretsvägen 1")[0]) == address_search("storvretsv 1")[0].label
    for people in (Resident.objects.exclude(phone=None), Volunteer.objects.all()):
        at_doors = people.filter(position_approximate=False)
        assert at_doors.count() > people.count() * 3 // 4
        for person in at_doors.select_related("place"):
            assert (person.lat, person.lon) == (person.place.lat, person.place.lon)
            assert person.district_id == person.place.district_id
        approximate = people.filter(position_approximate=True).select_related("district")
        assert approximate.exists()
        for person in approximate:
            assert person.place is None
            assert (person.lat, person.lon) == (person.district.lat, person.district.lon)
    # Made up, and said so: nothing of it claims to come from a real register.
    assert set(Address.objects.values_list("source", flat=True)) == {"demo"}
