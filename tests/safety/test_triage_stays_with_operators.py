"""A text an operator must read first (a lone HELP, a text that may signal danger, a new
number, an unclear text) waits for the operator's call: nothing that matches requests by itself
(the batch, the open-request sweep) offers it to a volunteer, even one who takes callbacks."""

import pytest
from django.utils import timezone

from helpdesk.models import Callback, HelpRequest, Resident
from helpdesk.offers import helprequests_match_open, match_batch
from matching.models import Offer
from tests.factories import mobile, resident_make, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post

pytestmark = pytest.mark.django_db

# (text, from a known resident?)
TRIAGE_TEXTS = [
    ("hjälp", True),
    ("yardım", False),
    ("jag är rädd hemma", True),
    ("I don't feel safe", True),
    ("handla mat", False),  # a new number: the operator calls first
    ("hmm", True),  # unclear: no kind of need
]


def automatic_matching_runs() -> None:
    match_batch()
    helprequests_match_open()


@pytest.mark.parametrize("text, known", TRIAGE_TEXTS)
def test_a_text_for_an_operator_is_never_offered_by_automatic_matching(
    client, run_tasks, text, known
):
    phone = str(resident_make(language="sv").phone) if known else mobile()
    # Volunteers who would take any of these, right where the resident is.
    for _ in range(3):
        volunteer_make(languages={"sv", "en", "tr"})
    assert signed_post(client, "/sms/inbound/", inbound_params(phone, text)).status_code == 200
    run_tasks()
    (request,) = Resident.objects.get(phone=phone).requests.all()
    assert Callback.objects.filter(request=request, done_at__isnull=True).exists()

    automatic_matching_runs()
    run_tasks()

    assert not Offer.objects.filter(request=request).exists()
    request.refresh_from_db()
    assert request.assigned_volunteer is None
    assert request.status == HelpRequest.Status.NEW


def test_once_the_call_is_made_automatic_matching_may_take_it(client, run_tasks):
    resident = resident_make(language="sv")
    volunteer_make()
    phone = str(resident.phone)
    # A new number would be one too, but a known resident's clear text is matched at once;
    # an unclear one waits for the call.
    assert signed_post(client, "/sms/inbound/", inbound_params(phone, "hmm")).status_code == 200
    run_tasks()
    request = resident.requests.get()
    HelpRequest.objects.filter(pk=request.pk).update(
        kind=HelpRequest.Kind.GROCERIES, task_text="Handla mat"
    )
    Callback.objects.filter(request=request).update(outcome="Pratat med henne")
    automatic_matching_runs()
    assert not Offer.objects.filter(request=request).exists()  # call not logged as done yet
    Callback.objects.filter(request=request).update(done_at=timezone.now())
    automatic_matching_runs()
    run_tasks()
    assert Offer.objects.filter(request=request).exists()
