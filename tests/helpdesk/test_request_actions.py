import uuid

import pytest
from django.urls import reverse

from helpdesk.models import BoardEvent, HelpRequest, TimelineEvent
from notifications.models import Message
from tests.factories import helprequest_make, landline, resident_make

pytestmark = pytest.mark.django_db


def act(client, request, action, **data):
    return client.post(reverse("request_action", args=[request.pk, action]), data)


def test_cancel_twice_is_harmless_and_recorded_once(operator_client):
    request = helprequest_make()
    act(operator_client, request, "cancel", reason="Löst själv", confirm="yes")
    response = act(operator_client, request, "cancel", confirm="yes")
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert response.status_code == 302
    assert request.timeline.filter(to_status="cancelled").count() == 1


def test_text_the_resident_once_per_form(operator_client, sms_outbox):
    request = helprequest_make()
    token = str(uuid.uuid4())
    act(operator_client, request, "text", body="Hej! Vi ringer snart.", token=token)
    act(operator_client, request, "text", body="Hej! Vi ringer snart.", token=token)
    assert Message.objects.filter(about_id=request.pk).count() == 1
    assert request.timeline.filter(kind=TimelineEvent.Kind.SMS_OUT).count() == 1


def test_text_to_a_landline_is_refused_visibly(operator_client):
    request = helprequest_make(resident=resident_make(phone=landline()))
    act(operator_client, request, "text", body="Hej", token=str(uuid.uuid4()))
    message = Message.objects.get()
    assert message.status == "refused"
    page = operator_client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "A landline cannot receive SMS." in page


def test_note_is_recorded_and_published(operator_client):
    request = helprequest_make()
    before = BoardEvent.objects.count()
    act(operator_client, request, "note", text="Ringde, ingen svarade", token="t1")
    assert request.timeline.filter(kind="note", text="Ringde, ingen svarade").exists()
    assert BoardEvent.objects.count() == before + 1


def test_mark_done_from_new(operator_client):
    request = helprequest_make()
    act(operator_client, request, "done")
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.DONE


def test_actions_need_post_and_csrf(client, operator):
    from django.test import Client

    request = helprequest_make()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(operator)
    assert act(strict, request, "cancel").status_code == 403
    assert strict.get(reverse("request_action", args=[request.pk, "cancel"])).status_code == 405
    request.refresh_from_db()
    assert request.status == "new"


def test_unknown_action_changes_nothing(operator_client):
    request = helprequest_make()
    act(operator_client, request, "explode")
    request.refresh_from_db()
    assert request.status == "new"


def test_candidates_are_listed_with_reasons_and_can_be_offered(operator_client):
    from matching.models import Offer
    from tests.factories import volunteer_make

    request = helprequest_make()
    volunteer = volunteer_make(first_name="Vilma")
    page = operator_client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Vilma" in page and " km" in page
    act(operator_client, request, "offer", volunteer=[volunteer.pk])
    act(operator_client, request, "offer", volunteer=[volunteer.pk])  # a double click
    assert Offer.objects.filter(request=request, volunteer=volunteer).count() == 1
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OFFERED


def test_assign_directly_then_cancel_tells_the_volunteer(operator_client, sms_outbox):
    from tests.factories import volunteer_make

    request = helprequest_make()
    volunteer = volunteer_make()
    act(operator_client, request, "assign", volunteer=[volunteer.pk])
    request.refresh_from_db()
    assert request.status == "assigned" and request.assigned_volunteer == volunteer
    act(operator_client, request, "cancel", reason="Dottern handlar", confirm="yes")
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert request.offers.get().status == "withdrawn"


def test_intake_starts_matching(operator_client, run_tasks):
    from tests.factories import district_make, volunteer_make

    district = district_make()
    volunteer_make(district=district)
    operator_client.post(
        reverse("intake"),
        {
            "token": str(uuid.uuid4()),
            "phone": "070-174 06 31",
            "district": district.pk,
            "language": "sv",
            "kind": "groceries",
            "urgency": "1",
            "task_text": "Mat",
            "consent": "on",
        },
    )
    run_tasks()
    request = HelpRequest.objects.get()
    assert request.status == HelpRequest.Status.OFFERED
    assert request.offers.count() == 1


def test_rerun_matching_reopens_an_escalated_request(operator_client):
    """An operator's re-run is the operator's call: it starts matching again at once, where the
    worker alone would leave an escalated request to the operator."""
    from helpdesk.services import helprequest_transition
    from tests.factories import volunteer_make

    request = helprequest_make()
    helprequest_transition(request=request, to=HelpRequest.Status.ESCALATED, actor_label="system")
    volunteer = volunteer_make()
    act(operator_client, request, "rematch")
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OFFERED
    assert request.offers.get().volunteer == volunteer


def test_cancel_asks_first_and_says_what_will_happen(operator_client):
    from helpdesk.offers import offers_send
    from tests.factories import volunteer_make

    request = helprequest_make()
    offers_send(request=request, volunteers=[volunteer_make(), volunteer_make()])
    sent = Message.objects.count()
    response = act(operator_client, request, "cancel", reason="Dottern handlar")
    request.refresh_from_db()
    # The first POST only asks: nothing changed, nobody texted.
    assert response.status_code == 200
    assert request.status == HelpRequest.Status.OFFERED
    assert request.offers.filter(status="pending").count() == 2
    assert Message.objects.count() == sent
    page = response.content.decode()
    assert "2 väntande erbjudanden dras tillbaka" in page
    assert 'name="confirm"' in page and "Dottern handlar" in page

    act(operator_client, request, "cancel", reason="Dottern handlar", confirm="yes")
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.CANCELLED
    assert request.offers.filter(status="withdrawn").count() == 2
    assert Message.objects.count() == sent + 2
