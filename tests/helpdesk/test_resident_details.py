"""Operators finish a request whose resident we know nothing about (an SMS or a call from a new
number): name, address, district, language and risk flags, then matching, in one step."""

import uuid

import pytest
from django.urls import reverse

from helpdesk.models import BoardEvent, HelpRequest, Resident, TimelineEvent
from helpdesk.services import helprequest_transition
from helpdesk.voice import voice_request_create
from matching.models import Offer
from notifications.inbound import inbound_receive
from notifications.models import Message
from tests.conftest import make_user
from tests.factories import (
    district_make,
    helprequest_make,
    landline,
    mobile,
    organisation_make,
    volunteer_make,
)

pytestmark = pytest.mark.django_db

S = HelpRequest.Status


def from_unknown_sms(run_tasks) -> HelpRequest:
    phone = mobile()
    inbound_receive(
        payload={"MessageSid": f"SM{uuid.uuid4().hex}", "From": phone, "Body": "Hjälp att handla"}
    )
    run_tasks()
    return HelpRequest.objects.get(resident__phone=phone)


def from_unknown_call(run_tasks) -> HelpRequest:
    return voice_request_create(
        phone=landline(), call_sid=f"CA{uuid.uuid4().hex}", language="sv", kind="groceries"
    )


ORIGINS = [from_unknown_sms, from_unknown_call]


def details(place, *, then="match", token=None, **extra) -> dict:
    data = {
        "token": token or str(uuid.uuid4()),
        "name": "Greta Andersson",
        "address": "Storgatan 7",
        "district": place.pk,
        "language": "sv",
        "is_70_plus": "on",
        "lives_alone": "on",
        "kind": "groceries",
        "task_text": "Handla mat på Coop, lista i brevlådan",
        "then": then,
    }
    data.update(extra)
    return data


def save(client, request, data):
    return client.post(reverse("request_resident", args=[request.pk]), data)


@pytest.mark.parametrize("origin", ORIGINS, ids=lambda f: f.__name__)
def test_an_operator_completes_an_unknown_number_and_it_is_matched(
    origin, operator_client, run_tasks
):
    district = district_make(lat=59.30, lon=18.00)
    volunteer = volunteer_make(lat=59.30, lon=18.00, district=district)
    request = origin(run_tasks)
    assert request.status == S.NEW and request.resident.district is None
    page = operator_client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'name="district"' in page and 'name="address"' in page

    before = BoardEvent.objects.filter(request=request).count()
    response = save(operator_client, request, details(district))
    assert response.status_code == 302
    request.refresh_from_db()
    resident = Resident.objects.get(pk=request.resident_id)
    assert (resident.name, resident.address, resident.district) == (
        "Greta Andersson",
        "Storgatan 7",
        district,
    )
    assert resident.is_70_plus and resident.lives_alone and not resident.chronic_illness
    # No address register: the district's centre is where matching looks.
    assert (resident.lat, resident.lon) == (district.lat, district.lon)
    assert request.district == district
    assert request.status == S.OFFERED
    assert Offer.objects.get(request=request).volunteer == volunteer
    assert Message.objects.filter(phone=str(volunteer.phone), about_id__isnull=False).exists()
    # The timeline says what happened without copying the personal data into it.
    event = request.timeline.get(kind=TimelineEvent.Kind.NOTE, data__resident_details=True)
    assert "Greta" not in event.text and "Storgatan" not in event.text
    assert event.actor is not None
    assert BoardEvent.objects.filter(request=request).count() > before


def test_save_without_matching_changes_the_resident_only(operator_client):
    district = district_make()
    request = helprequest_make()
    save(operator_client, request, details(district, then="save", language="ar"))
    request.refresh_from_db()
    assert request.status == S.NEW and not request.offers.exists()
    assert request.resident.district == district and request.resident.language == "ar"
    # The request's SMS follow the resident's language.
    assert request.language == "ar"


def test_an_escalated_request_is_matched_again_once_completed(operator_client, run_tasks):
    district = district_make(lat=59.30, lon=18.00)
    volunteer_make(lat=59.30, lon=18.00)
    request = from_unknown_sms(run_tasks)
    # What the demo showed: matching without a position escalates at once.
    helprequest_transition(request=request, to=S.ESCALATED, actor_label="system")
    save(operator_client, request, details(district))
    request.refresh_from_db()
    assert request.status == S.OFFERED and request.offers.count() == 1


def test_a_double_click_lands_once(operator_client, run_tasks):
    district = district_make(lat=59.30, lon=18.00)
    volunteer_make(lat=59.30, lon=18.00)
    volunteer_make(lat=59.30, lon=18.00)
    request = from_unknown_sms(run_tasks)
    token = str(uuid.uuid4())
    save(operator_client, request, details(district, token=token))
    save(operator_client, request, details(district, token=token))
    assert request.timeline.filter(data__resident_details=True).count() == 1
    assert Offer.objects.filter(request=request).values("wave").distinct().count() == 1


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"district": "999999"}, "district"),
        ({"language": "xx"}, "language"),
        ({"name": "x" * 121}, "name"),
        # Matching needs somewhere to look.
        ({"district": ""}, "district"),
    ],
)
def test_invalid_details_are_shown_and_change_nothing(operator_client, run_tasks, changes, field):
    district = district_make()
    request = from_unknown_sms(run_tasks)
    response = save(operator_client, request, details(district, **changes))
    assert response.status_code == 200
    assert f'id="resident-{field}-error"' in response.content.decode()
    resident = Resident.objects.get(pk=request.resident_id)
    assert resident.name == "" and resident.district is None
    request.refresh_from_db()
    assert request.status == S.NEW
    assert not request.timeline.filter(data__resident_details=True).exists()


def test_only_operators_may_change_a_resident(client, run_tasks):
    """A coordinator, even the one whose volunteer holds the task, may not post the form."""
    district = district_make()
    coordinator = make_user("cora", "coordinator")
    organisation = organisation_make(coordinators=[coordinator])
    volunteer = volunteer_make(organisation=organisation)
    request = helprequest_make()
    helprequest_transition(request=request, to=S.ASSIGNED, assigned_volunteer=volunteer)
    client.force_login(coordinator)
    url = reverse("request_resident", args=[request.pk])
    assert client.post(url, details(district, then="save", name="Mallory")).status_code in (
        403,
        404,
    )
    assert client.get(url).status_code in (403, 404)
    assert Resident.objects.get(pk=request.resident_id).name == "Greta Svensson"
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert url not in page


def test_an_anonymised_resident_is_not_filled_in_again(operator_client):
    from django.utils import timezone

    district = district_make()
    request = helprequest_make()
    Resident.objects.filter(pk=request.resident_id).update(anonymised_at=timezone.now())
    response = save(operator_client, request, details(district, then="save"))
    assert response.status_code == 200
    assert Resident.objects.get(pk=request.resident_id).name == "Greta Svensson"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_form_reads_in_the_ui_language(operator_client, language, settings):
    request = helprequest_make()
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = operator_client.get(reverse("request_detail", args=[request.pk])).content.decode()
    expected = {"sv": "Spara och matcha", "en": "Save and match"}[language]
    assert expected in page


def test_opening_the_details_page_is_logged(operator_client, operator):
    from helpdesk.models import AccessLog

    request = helprequest_make()
    page = operator_client.get(reverse("request_resident", args=[request.pk])).content.decode()
    assert "Greta Svensson" in page
    entry = AccessLog.objects.filter(resident=request.resident_id).latest("at")
    assert (entry.username, entry.action) == (operator.username, AccessLog.Action.VIEW)


def test_a_referral_is_completed_but_never_matched(operator_client):
    district = district_make()
    volunteer_make()
    referral = helprequest_make(kind="referral", safe_callback_note="Ring efter 14")
    page = operator_client.get(reverse("request_detail", args=[referral.pk])).content.decode()
    assert 'value="save"' in page and 'value="match"' not in page
    response = save(operator_client, referral, details(district))
    assert response.status_code == 200 and 'id="resident-errors"' in response.content.decode()
    assert not referral.offers.exists()
    save(operator_client, referral, details(district, then="save"))
    assert Resident.objects.get(pk=referral.resident_id).name == "Greta Andersson"
    assert not referral.offers.exists()


@pytest.mark.parametrize("origin", ORIGINS, ids=lambda f: f.__name__)
def test_no_volunteer_is_offered_a_task_that_says_nothing(origin, operator_client, run_tasks):
    """A text or call from a new number has no task text: "Save and match" asks for it, and the
    offer the volunteer then gets says it."""
    district = district_make(lat=59.30, lon=18.00)
    volunteer = volunteer_make(lat=59.30, lon=18.00, district=district)
    request = origin(run_tasks)
    assert request.task_text == ""
    page = operator_client.get(reverse("request_resident", args=[request.pk])).content.decode()
    assert 'name="task_text"' in page and 'name="kind"' in page

    response = save(operator_client, request, details(district, task_text="  "))
    assert response.status_code == 200
    assert "Skriv uppgiften" in response.content.decode()
    assert not Offer.objects.filter(request=request).exists()

    response = save(operator_client, request, details(district, kind="pharmacy"))
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.kind, request.task_text) == (
        "pharmacy",
        "Handla mat på Coop, lista i brevlådan",
    )
    offer_sms = Message.objects.filter(phone=str(volunteer.phone)).latest("pk")
    assert "Coop" in offer_sms.body
