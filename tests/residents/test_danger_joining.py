"""Danger in a text that joins an open request, a resident with an open referral, and bad
input: every inbound text is read for danger, and what is risky goes to operators only."""

import pytest
from django.utils import timezone

from helpdesk.models import Callback, HelpRequest, TimelineEvent
from helpdesk.offers import offer_accept
from matching.models import Offer
from notifications.models import Message
from tests.factories import (
    helprequest_make,
    mobile,
    organisation_make,
    resident_make,
    volunteer_make,
)

pytestmark = pytest.mark.django_db
S = HelpRequest.Status
IN = TimelineEvent.Kind.SMS_IN
LIVE_OFFERS = [Offer.Status.PENDING, Offer.Status.ACCEPTED]

DANGER = [
    ("sv", "Min man slår mig"),
    ("en", "my husband hits me"),
    ("tr", "kocam beni dövüyor"),
    ("fi", "mieheni lyö minua"),
    ("ar", "زوجي يضربني"),
]


def offered(resident, run_tasks) -> HelpRequest:
    request = helprequest_make(resident=resident, language=resident.language)
    from helpdesk.offers import helprequest_match_enqueue

    helprequest_match_enqueue(request=request)
    run_tasks()
    request.refresh_from_db()
    assert request.status == S.OFFERED and request.offers.filter(status="pending").exists()
    return request


def assert_operators_only(request: HelpRequest) -> None:
    request.refresh_from_db()
    assert request.sensitive and request.assigned_volunteer is None
    assert request.urgency == HelpRequest.Urgency.URGENT
    assert request.status not in (S.OFFERED, S.ASSIGNED, S.MATCHING)
    assert not request.offers.filter(status__in=LIVE_OFFERS).exists()
    callback = Callback.objects.get(request=request)
    assert callback.done_at is None and callback.due_at <= timezone.now()
    assert request.timeline.filter(kind=TimelineEvent.Kind.NOTE, data__referral=True).exists()


@pytest.mark.parametrize("language, text", DANGER)
def test_danger_joining_an_offered_request_withdraws_the_offers_and_makes_it_a_referral(
    sms_in, run_tasks, language, text
):
    shelter = organisation_make(takes_sensitive_cases=True)
    volunteer = volunteer_make(languages={"sv", "en", "tr", "fi", "ar"})
    resident = resident_make(language=language)
    request = offered(resident, run_tasks)

    reply = sms_in(str(resident.phone), text)
    run_tasks()

    assert resident.requests.count() == 1, "the request it joins becomes the referral"
    assert_operators_only(request)
    assert request.routed_to == shelter
    assert request.timeline.filter(kind=IN, text=text, data__danger=True).exists()
    assert "112" in reply
    last_to_volunteer = Message.objects.filter(phone=str(volunteer.phone)).latest("pk")
    assert request.code in last_to_volunteer.body  # told the offer is withdrawn
    assert text not in last_to_volunteer.body


def test_danger_joining_an_assigned_request_takes_it_from_the_volunteer(sms_in, run_tasks):
    volunteer = volunteer_make()
    resident = resident_make()
    request = offered(resident, run_tasks)
    offer_accept(offer=request.offers.get())
    request.refresh_from_db()
    assert request.status == S.ASSIGNED

    sms_in(str(resident.phone), "han hotar mig")
    run_tasks()
    assert_operators_only(request)
    assert request.offers.get().status == Offer.Status.WITHDRAWN
    assert Message.objects.filter(phone=str(volunteer.phone)).count() == 3


def test_danger_takes_every_open_request_of_the_resident_from_volunteers(sms_in, run_tasks):
    volunteer_make()
    resident = resident_make()
    first = offered(resident, run_tasks)
    second = helprequest_make(resident=resident, kind=HelpRequest.Kind.PHARMACY)
    sms_in(str(resident.phone), "han slår mig")
    run_tasks()
    second.refresh_from_db()
    assert second.sensitive, "the latest open request is the one the text joins"
    first.refresh_from_db()
    assert first.status not in (S.OFFERED, S.ASSIGNED, S.MATCHING)
    assert not Offer.objects.filter(status__in=LIVE_OFFERS).exists()


@pytest.mark.parametrize(
    "text",
    ["Kan ni handla mat åt mig?", "apotek", "5", "tack", "hjälp", "ring mig", "🙂", ""],
)
def test_with_an_open_referral_every_text_goes_to_an_operator_first(sms_in, run_tasks, text):
    volunteer = volunteer_make(skills={"groceries", "pharmacy", "callback", "phone_friend"})
    resident = resident_make()
    sms_in(str(resident.phone), "han slår mig")
    (referral,) = resident.requests.all()

    reply = sms_in(str(resident.phone), text)
    run_tasks()

    assert reply
    assert not Offer.objects.exists()
    assert not Message.objects.filter(phone=str(volunteer.phone)).exists()
    for request in resident.requests.all():
        assert request.sensitive
        assert Callback.objects.filter(request=request, done_at__isnull=True).exists()
    assert referral.timeline.filter(kind=IN).count() == 2


def test_after_the_referral_is_closed_requests_reach_volunteers_again(sms_in, run_tasks):
    from helpdesk.services import helprequest_transition

    volunteer_make()
    resident = resident_make()
    sms_in(str(resident.phone), "han slår mig")
    helprequest_transition(request=resident.requests.get(), to=S.DONE)
    sms_in(str(resident.phone), "handla mat")
    run_tasks()
    new = resident.requests.get(sensitive=False)
    assert new.offers.exists()


# Texts that might be danger (helpdesk.safety reads them as not certain).
AMBIGUOUS = [
    "jag är rädd hemma",
    "I don't feel safe",
    "han kastar saker",
    "pelkään kotona",
    "تهديد",
]


@pytest.mark.parametrize("text", AMBIGUOUS)
@pytest.mark.parametrize("with_open_request", [False, True])
def test_an_ambiguous_text_goes_to_an_operator_for_triage(
    sms_in, run_tasks, text, with_open_request
):
    volunteer = volunteer_make(languages={"sv", "en", "fi", "ar"})
    resident = resident_make()
    groceries = offered(resident, run_tasks) if with_open_request else None
    reply = sms_in(str(resident.phone), text)
    run_tasks()

    triage = resident.requests.exclude(pk=getattr(groceries, "pk", None)).get()
    assert triage.kind == HelpRequest.Kind.CALLBACK and not triage.offers.exists()
    assert triage.urgency == HelpRequest.Urgency.URGENT
    assert Callback.objects.get(request=triage).due_at <= timezone.now()
    assert triage.timeline.filter(kind=IN, text=text).exists()
    assert triage.code in reply and "112" not in reply
    # The words are for operators: none reach a volunteer.
    assert not Message.objects.filter(phone=str(volunteer.phone), body__contains=text).exists()


# -- bad input --------------------------------------------------------------------------------

BAD = [
    "",
    "   ",
    "🙂🙂🙂",
    "?!…",
    "." * 40,
    "handla " * 228,  # 1,596 characters
    "x" * 1600,
    "han\x00dla",
    "\u200fإلغاء\u200e",
    "\u202ehandla\u202c",
]


@pytest.mark.parametrize("body", BAD)
@pytest.mark.parametrize("sender", ["new", "known", "open"])
def test_bad_input_gets_a_clear_answer_and_loses_nothing(sms_in, body, sender):
    resident = None if sender == "new" else resident_make()
    phone = mobile() if resident is None else str(resident.phone)
    if sender == "open":
        helprequest_make(resident=resident)
    from .conftest import sms_receive

    message, reply = sms_receive(phone, body)
    assert reply, "every text gets an answer"
    assert len(reply) <= 480
    message.refresh_from_db()
    events = TimelineEvent.objects.filter(kind=IN, data__message_id=message.pk).order_by("pk")
    if message.about is None:
        # A lone cancel word from someone with no request ever: the SMS log keeps it.
        assert not HelpRequest.objects.filter(resident__phone=phone).exists()
        return
    assert "".join(e.text for e in events) == body.replace("\x00", ""), "kept whole"
