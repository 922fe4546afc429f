"""Residents and volunteers through the signed SMS webhook, the worker and matching: what a
resident sees from the first text to the rating."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.models import HelpRequest, TimelineEvent
from matching.models import Offer
from notifications.models import Message
from tests.factories import mobile, resident_make, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post

pytestmark = pytest.mark.django_db
S = HelpRequest.Status


def text_in(client, run_tasks, phone: str, body: str) -> str:
    """Post a signed inbound SMS, run the worker, and return what was texted back to `phone`."""
    before = set(Message.objects.filter(direction="out").values_list("pk", flat=True))
    response = signed_post(client, "/sms/inbound/", inbound_params(phone, body))
    assert response.status_code == 200
    run_tasks()
    new = Message.objects.filter(direction="out", phone=phone).exclude(pk__in=before)
    return "\n".join(new.order_by("pk").values_list("body", flat=True))


def test_from_first_text_to_rating(client, run_tasks):
    resident = resident_make(language="sv")
    volunteer = volunteer_make(first_name="Vera")
    phone = str(resident.phone)

    reply = text_in(client, run_tasks, phone, "Kan någon handla mat åt mig?")
    request = resident.requests.get()
    assert request.kind == HelpRequest.Kind.GROCERIES and request.code in reply
    request.refresh_from_db()
    assert request.status == S.OFFERED
    offer = Offer.objects.get(request=request, volunteer=volunteer)

    notice = text_in(client, run_tasks, str(volunteer.phone), f"1 {offer.code}")
    assert notice  # the volunteer's confirmation
    coming = Message.objects.filter(direction="out", phone=phone).latest("pk")
    assert "Vera" in coming.body and request.code in coming.body

    reply = text_in(client, run_tasks, phone, "Mjölk och bröd, tack")
    assert request.code in reply
    assert resident.requests.count() == 1

    text_in(client, run_tasks, str(volunteer.phone), f"3 {offer.code}")
    request.refresh_from_db()
    assert request.status == S.DONE
    done = Message.objects.filter(direction="out", phone=phone).latest("pk")
    assert request.code in done.body and "1" in done.body and "5" in done.body

    reply = text_in(client, run_tasks, phone, "5")
    request.refresh_from_db()
    assert request.rating == 5
    assert "betyg" in reply


def test_nobody_accepting_means_an_honest_update(client, run_tasks, settings):
    settings.MATCHING_MAX_WAVES = 1
    resident = resident_make(language="en")
    volunteer_make()
    text_in(client, run_tasks, str(resident.phone), "pharmacy please")
    request = resident.requests.get()
    assert request.status == S.OFFERED
    # The offer's time runs out; the confirmation was texted that long ago.
    later = timezone.now() + timedelta(minutes=settings.MATCHING_OFFER_MINUTES + 1)
    Message.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    run_tasks(now=later)
    request.refresh_from_db()
    assert request.status == S.ESCALATED
    update = Message.objects.filter(direction="out", phone=str(resident.phone)).latest("pk")
    assert "still looking" in update.body


def test_nobody_nearby_at_once_is_not_texted_over_the_confirmation(client, run_tasks):
    """ "We are looking for a volunteer" and "we are still looking" in the same minute would
    contradict each other: the operator who calls says it."""
    resident = resident_make(language="en")
    reply = text_in(client, run_tasks, str(resident.phone), "pharmacy please")
    request = resident.requests.get()
    assert request.status == S.ESCALATED
    assert "still looking" not in reply
    assert request.timeline.filter(
        kind=TimelineEvent.Kind.NOTE, data__msg__startswith="update_not_sent"
    )


def test_cancel_withdraws_the_offers_and_tells_the_volunteers(client, run_tasks):
    resident = resident_make(language="tr")
    volunteer = volunteer_make()
    text_in(client, run_tasks, str(resident.phone), "alışveriş")
    request = resident.requests.get()
    assert Offer.objects.get(request=request).status == Offer.Status.PENDING

    reply = text_in(client, run_tasks, str(resident.phone), f"İPTAL {request.code}")
    request.refresh_from_db()
    assert request.status == S.CANCELLED
    assert Offer.objects.get(request=request).status == Offer.Status.WITHDRAWN
    assert request.code in reply
    assert Message.objects.filter(direction="out", phone=str(volunteer.phone)).count() == 2


def test_a_danger_text_reaches_no_volunteer(client, run_tasks):
    volunteer = volunteer_make()
    phone = mobile()
    reply = text_in(client, run_tasks, phone, "Min man slår mig. Kan ni handla mat?")
    referral = HelpRequest.objects.get()
    assert referral.kind == HelpRequest.Kind.REFERRAL and referral.sensitive
    assert "112" in reply and "slår" not in reply and "man" not in reply.split()
    text_in(client, run_tasks, phone, "ring efter 14")
    assert not Offer.objects.exists()
    assert not Message.objects.filter(phone=str(volunteer.phone)).exists()
    assert referral.timeline.filter(kind=TimelineEvent.Kind.SMS_IN).count() == 2


def test_an_opt_out_word_is_the_gateways_not_a_request(client, run_tasks):
    resident = resident_make()
    text_in(client, run_tasks, str(resident.phone), "STOP")
    assert not resident.requests.exists()
