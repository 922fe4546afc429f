"""Turning a callback into a request: a referral's call stays a referral, and the resident is
never told that the converted call is done."""

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk import resident_texts
from helpdesk.models import Callback, HelpRequest
from matching.models import Offer
from notifications.bodies import sms_clean
from notifications.models import Message
from tests.factories import helprequest_make, organisation_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db


def shelter_referral_callback_make():
    """A violence referral as an SMS leaves it: routed to the shelter, with a callback due now,
    and volunteers nearby who could take groceries."""
    from helpdesk.safety import referral_route

    shelter = organisation_make(name="Kvinnojouren", takes_sensitive_cases=True)
    for _ in range(3):
        volunteer_make()
    referral = helprequest_make(
        kind="referral", task_text="", safe_callback_note="Ring 10–12, inget meddelande"
    )
    referral_route(request=referral)
    callback = Callback.objects.create(request=referral, due_at=timezone.now())
    return callback, shelter


def test_a_referral_callback_cannot_become_a_volunteer_task(operator_client, run_tasks):
    """What the kind menu used to post by default (groceries): refused, the referral stays."""

    callback, _shelter = shelter_referral_callback_make()
    operator_client.post(reverse("callback_action", args=[callback.pk, "claim"]))
    response = operator_client.post(
        reverse("callback_action", args=[callback.pk, "convert"]),
        {"kind": "groceries", "task_text": "Handla"},
        follow=True,
    )
    run_tasks()
    assert response.status_code == 200
    assert not HelpRequest.objects.filter(kind="groceries").exists()
    assert Offer.objects.count() == 0
    referral = HelpRequest.objects.get(pk=callback.request_id)
    assert referral.is_open and referral.kind == "referral"


def test_converting_a_referral_callback_keeps_it_a_referral(operator_client, run_tasks):

    callback, shelter = shelter_referral_callback_make()
    operator_client.post(reverse("callback_action", args=[callback.pk, "claim"]))
    page = operator_client.get(reverse("callbacks")).content.decode()
    menu = page.split(f'id="kind-{callback.pk}"')[1].split("</select>")[0]
    assert 'value="referral"' in menu and 'value="groceries"' not in menu
    operator_client.post(
        reverse("callback_action", args=[callback.pk, "convert"]),
        {"kind": "referral", "task_text": "Vill ha skyddat boende"},
    )
    run_tasks()
    created = HelpRequest.objects.exclude(pk=callback.request_id).get()
    assert (created.kind, created.sensitive, created.operators_only) == ("referral", True, True)
    assert created.routed_to == shelter
    assert created.safe_callback_note == "Ring 10–12, inget meddelande"
    assert created.assigned_volunteer is None and Offer.objects.count() == 0


@pytest.mark.parametrize("language", ["sv", "en", "ar", "tr", "fi"])
def test_converting_a_callback_does_not_tell_the_resident_it_is_done(
    operator_client, run_tasks, language
):
    """An unknown number's callback turned into a request: the resident hears about the new
    request only, never "request done, how did it go?" for the call that was converted."""

    resident = resident_make(language=language)
    request = helprequest_make(resident=resident, kind="other", task_text="", channel="sms")
    callback = Callback.objects.create(request=request, due_at=timezone.now())
    operator_client.post(reverse("callback_action", args=[callback.pk, "claim"]))
    operator_client.post(
        reverse("callback_action", args=[callback.pk, "convert"]),
        {"kind": "groceries", "task_text": "Handla mat"},
    )
    run_tasks()
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.DONE
    done = sms_clean(resident_texts.text_done(request))
    sent = Message.objects.filter(direction="out", phone=str(resident.phone))
    assert not [m.body for m in sent if done in m.body]
    assert not request.timeline.filter(kind="sms_out").exists()
