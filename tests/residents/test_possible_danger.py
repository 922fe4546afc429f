"""A text that may signal danger (helpdesk.safety reads it as not certain) from a resident whose
requests a volunteer is asked for or holds: those requests are taken from the volunteers and go
to operators, and nothing is offered again until an operator has made the call."""

import pytest
from django.utils import timezone

from helpdesk.models import Callback, HelpRequest, TimelineEvent
from helpdesk.offers import (
    helprequest_assign,
    helprequest_match,
    helprequest_match_enqueue,
    helprequests_match_open,
    offer_accept,
)
from helpdesk.safety import text_needs_operator, text_signals_danger
from matching.models import Offer
from notifications.models import Message
from tests.factories import helprequest_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db
S = HelpRequest.Status
IN = TimelineEvent.Kind.SMS_IN
LIVE = [Offer.Status.PENDING, Offer.Status.ACCEPTED]
ALL = {"sv", "en", "ar", "tr", "fi"}

# Texts of the tester's class in every language. One thing taken is possible danger; the
# tester's own texts (money and the phone, the card and the keys) are certain elder abuse now.
POSSIBLE_DANGER = [
    ("sv", "dottern tar min pension hela tiden"),
    ("sv", "han har tagit mitt bankkort"),
    ("sv", "jag är rädd hemma"),
    ("en", "he takes my pension"),
    ("en", "I don't feel safe"),
    ("tr", "oğlum emekli maaşımı alıyor"),
    ("fi", "poikani ottaa eläkkeeni"),
    ("ar", "ابني ياخذ راتبي التقاعدي"),
]


def with_volunteer(resident, how: str, kind=HelpRequest.Kind.GROCERIES) -> HelpRequest:
    """A request of `resident` that a volunteer is offered ("offered"), took by SMS
    ("accepted") or was given by an operator ("assigned")."""
    request = helprequest_make(resident=resident, language=resident.language, kind=kind)
    if how == "assigned":
        helprequest_assign(request=request, volunteer=volunteer_make(languages=ALL))
    else:
        assert helprequest_match(request=request) == "offered"
        if how == "accepted":
            offer_accept(offer=request.offers.filter(status=Offer.Status.PENDING).first())
    request.refresh_from_db()
    assert request.assigned_volunteer_id or request.offers.filter(status__in=LIVE).exists()
    return request


def to_volunteers() -> list[str]:
    volunteer_phones = Offer.objects.values_list("volunteer__phone", flat=True)
    return list(
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND, phone__in=[str(p) for p in volunteer_phones]
        ).values_list("body", flat=True)
    )


def test_the_texts_are_possible_danger_not_certain():
    for _language, text in POSSIBLE_DANGER:
        assert text_needs_operator(text) and not text_signals_danger(text), text


@pytest.mark.parametrize("language, text", POSSIBLE_DANGER)
@pytest.mark.parametrize("how", ["offered", "accepted", "assigned"])
def test_possible_danger_takes_the_residents_requests_from_volunteers(
    sms_in, run_tasks, language, text, how
):
    volunteer_make(languages=ALL)
    resident = resident_make(language=language)
    request = with_volunteer(resident, how)
    asked = set(request.offers.values_list("volunteer_id", flat=True))
    before = Message.objects.order_by("pk").last().pk

    reply = sms_in(str(resident.phone), text)
    run_tasks()

    request.refresh_from_db()
    assert request.status == S.ESCALATED and request.assigned_volunteer_id is None
    assert request.escalation_reason, "operators see why"
    assert not request.offers.filter(status__in=LIVE).exists()
    # The volunteers are told the task is no longer needed, and not a word of the text.
    bodies = to_volunteers()
    assert any(request.code in body for body in bodies[-len(asked) :])
    assert not any(text in body for body in bodies)
    # An operator calls now; the text is on the triage callback, not the volunteers' request.
    callbacks = Callback.objects.filter(request__resident=resident, done_at__isnull=True)
    assert [c.due_at <= timezone.now() for c in callbacks] == [True]
    triage = callbacks.get().request
    assert triage.pk != request.pk and triage.timeline.filter(kind=IN, text=text).exists()
    assert not request.timeline.filter(kind=IN, text=text).exists()
    assert triage.code in reply and "112" not in reply
    # Not "we are still looking for someone": the operator who calls says what happens.
    told = Message.objects.filter(
        pk__gt=before, phone=str(resident.phone), direction=Message.Direction.OUTBOUND
    )
    assert not told.exclude(body=reply).exists()

    # Nothing matches either request by itself until the operator has made the call.
    helprequests_match_open()
    helprequest_match(request=request)
    run_tasks()
    assert not Offer.objects.filter(status=Offer.Status.PENDING).exists()
    request.refresh_from_db()
    assert request.status == S.ESCALATED


def test_possible_danger_takes_every_open_request_with_a_volunteer(sms_in, run_tasks):
    volunteer_make(languages=ALL)
    volunteer_make(languages=ALL)
    resident = resident_make()
    groceries = with_volunteer(resident, "accepted")
    pharmacy = with_volunteer(resident, "offered", kind=HelpRequest.Kind.PHARMACY)
    waiting = helprequest_make(resident=resident, kind=HelpRequest.Kind.ERRAND)
    helprequest_match_enqueue(request=waiting)  # its first wave not sent yet

    sms_in(str(resident.phone), "dottern tar mina pengar och mobilen hela tiden")
    run_tasks()
    helprequests_match_open()

    for request in (groceries, pharmacy, waiting):
        request.refresh_from_db()
        assert request.status == S.ESCALATED, request.get_kind_display()
        assert request.assigned_volunteer_id is None
    assert not Offer.objects.filter(status__in=LIVE).exists()


def test_an_operator_may_match_them_again_after_the_call(sms_in, run_tasks):
    from helpdesk.callbacks import callback_claim, callback_complete
    from tests.conftest import make_user

    volunteer_make(languages=ALL)
    resident = resident_make()
    request = with_volunteer(resident, "offered")
    sms_in(str(resident.phone), "han har tagit mitt bankkort")
    operator = make_user("olle", "operator")
    callback = Callback.objects.get(request__resident=resident, done_at__isnull=True)
    callback_claim(callback=callback, user=operator)
    callback_complete(callback=callback, user=operator, outcome="Sonen hade lånat kortet.")

    volunteer_make(languages=ALL)  # the first one was asked already
    assert helprequest_match(request=request, actor=operator) == "offered"


def test_the_callback_it_joins_is_taken_from_a_phone_friend(sms_in, run_tasks):
    from datetime import timedelta

    resident = resident_make()
    call = helprequest_make(resident=resident, kind=HelpRequest.Kind.CALLBACK)
    Callback.objects.create(request=call, due_at=timezone.now() + timedelta(days=1))
    helprequest_assign(request=call, volunteer=volunteer_make(languages=ALL))

    sms_in(str(resident.phone), "jag är rädd hemma")
    run_tasks()

    call.refresh_from_db()
    assert resident.requests.count() == 1, "the open callback is the triage"
    assert call.assigned_volunteer_id is None and call.status == S.ESCALATED
    assert not call.offers.filter(status__in=LIVE).exists()
    assert call.callback.due_at <= timezone.now()


# The reply's first words in each language (helpdesk.resident_texts.text_unknown_number).
THANKS = {"sv": "Tack", "en": "Thank you", "tr": "Teşekkür", "fi": "Kiitos", "ar": "شكر"}


@pytest.mark.parametrize("language, text", POSSIBLE_DANGER)
def test_possible_danger_is_answered_in_the_language_it_was_written_in(sms_in, language, text):
    """A resident registered in another language who writes their worry in this one is answered
    in the language they wrote, as a referral is."""
    other = "fi" if language != "fi" else "sv"
    resident = resident_make(language=other)
    reply = sms_in(str(resident.phone), text)
    assert THANKS[language].lower() in reply.lower(), reply
