"""Removing a volunteer asks first and says what it will do; the first POST changes nothing."""

import pytest

from helpdesk.models import HelpRequest
from helpdesk.services import helprequest_transition
from matching.models import Offer, Volunteer
from tests.conftest import make_user
from tests.factories import helprequest_make, organisation_make, volunteer_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(client):
    coordinator = make_user("cora", "coordinator")
    organisation = organisation_make(name="Röda Korset", coordinators=[coordinator])
    client.force_login(coordinator)
    return organisation


def remove(client, organisation, volunteer, **data):
    return client.post(f"/partners/{organisation.pk}/volunteers/{volunteer.pk}/remove/", data)


def test_a_volunteer_without_history_is_deleted_only_once_confirmed(client, ours):
    fresh = volunteer_make(organisation=ours, first_name="Frida")
    response = remove(client, ours, fresh)
    assert response.status_code == 200
    assert Volunteer.objects.filter(pk=fresh.pk, is_active=True).exists()
    page = response.content.decode()
    assert "raderas för gott" in page and 'name="confirm"' in page
    assert remove(client, ours, fresh, confirm="yes").status_code == 302
    assert not Volunteer.objects.filter(pk=fresh.pk).exists()


def test_a_volunteer_with_offers_is_deactivated_and_the_page_says_so(client, ours):
    maja = volunteer_make(organisation=ours, first_name="Maja")
    for _ in range(2):
        request = helprequest_make()
        Offer.objects.create(request=request, volunteer=maja, expires_at=request.created_at)
    page = remove(client, ours, maja).content.decode()
    maja.refresh_from_db()
    assert maja.is_active and not maja.paused
    assert "inaktiveras" in page and "2 väntande erbjudanden" in page
    remove(client, ours, maja, confirm="yes")
    maja.refresh_from_db()
    assert not maja.is_active


def test_a_volunteer_holding_a_task_gets_no_confirm_button(client, ours):
    maja = volunteer_make(organisation=ours, first_name="Maja")
    request = helprequest_make()
    helprequest_transition(request=request, to=HelpRequest.Status.ASSIGNED, assigned_volunteer=maja)
    page = remove(client, ours, maja).content.decode()
    assert request.code in page and 'name="confirm"' not in page


@pytest.mark.parametrize("language, words", [("sv", "Ja, ta bort"), ("en", "Yes, remove")])
def test_the_question_reads_in_the_ui_language(client, ours, settings, language, words):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = remove(client, ours, volunteer_make(organisation=ours)).content.decode()
    assert words in page


def test_a_removed_volunteers_pending_offers_are_withdrawn_and_they_learn_no_address(
    client, ours, operator, run_tasks, sms_outbox
):
    """Someone no longer with the organisation is told their offers are no longer needed, and
    an accept that still comes in gives them nothing of the resident."""
    from helpdesk.offers import offers_send
    from helpdesk.volunteer_replies import volunteer_reply
    from notifications.models import Message
    from tests.factories import resident_make

    maja = volunteer_make(organisation=ours, first_name="Maja")
    other = volunteer_make(first_name="Olle")
    resident = resident_make(name="Zelda Ödmarksdotter", address="Gränsgatan 99")
    request = helprequest_make(resident=resident)
    (offer,) = offers_send(request=request, volunteers=[maja], actor=operator)
    remove(client, ours, maja, confirm="yes")
    offer.refresh_from_db()
    maja.refresh_from_db()
    assert not maja.is_active and offer.status == Offer.Status.WITHDRAWN
    notice = Message.objects.filter(phone=str(maja.phone)).latest("pk")
    assert request.code in notice.body and "Gränsgatan" not in notice.body

    # The backstop: an offer still pending for someone deactivated another way.
    (late,) = offers_send(request=request, volunteers=[other], actor=operator)
    Volunteer.objects.filter(pk=other.pk).update(is_active=False)
    inbound = Message.objects.create(
        direction=Message.Direction.INBOUND, phone=str(other.phone), body=f"1 {request.code}"
    )
    volunteer_reply(inbound)
    late.refresh_from_db()
    assert late.status == Offer.Status.WITHDRAWN
    request.refresh_from_db()
    assert request.assigned_volunteer is None
    to_other = Message.objects.filter(phone=str(other.phone), direction="out")
    assert not any("Gränsgatan" in m.body or "Zelda" in m.body for m in to_other)
