"""When a referral opens, the resident's other open requests stop going to volunteers; when the
last one closes, an operator may send them to volunteers again."""

import pytest

from helpdesk import offer_notices as notices
from helpdesk.models import HelpRequest, TimelineEvent
from helpdesk.offers import helprequest_assign, helprequest_match
from helpdesk.services import helprequest_transition
from matching.models import Offer
from notifications.bodies import sms_clean
from notifications.models import Message
from tests.factories import helprequest_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db


def referral_open(resident) -> HelpRequest:
    return helprequest_make(
        resident=resident, kind="referral", task_text="", safe_callback_note="Ring 10–12"
    )


def test_a_referral_opening_takes_the_other_requests_from_volunteers(operator):
    volunteers = [volunteer_make(first_name=f"V{i}") for i in range(4)]
    resident = resident_make()
    offered = helprequest_make(resident=resident)
    helprequest_match(request=offered)
    assigned = helprequest_make(resident=resident, task_text="Hämta medicin", kind="pharmacy")
    helprequest_assign(request=assigned, volunteer=volunteers[3], actor=operator)
    waiting = helprequest_make(resident=resident)
    assert Offer.objects.filter(request=offered, status="pending").count() == 3
    before = set(Message.objects.values_list("pk", flat=True))

    referral_open(resident)

    for request in (offered, assigned, waiting):
        request.refresh_from_db()
        assert request.operators_only and request.assigned_volunteer is None
        assert not request.offers.filter(status__in=["pending", "accepted"]).exists()
    assert offered.status == assigned.status == HelpRequest.Status.ESCALATED
    assert "open referral" in offered.escalation_reason or "hänvisning" in offered.escalation_reason
    # The volunteers hear that the task is no longer needed, and nothing else; the resident
    # hears nothing.
    texts = Message.objects.exclude(pk__in=before).filter(direction="out")
    assert {m.phone for m in texts} == {str(v.phone) for v in volunteers}
    withdrawn = Offer.objects.filter(request__in=[offered, assigned]).select_related("volunteer")
    assert sorted(m.body for m in texts) == sorted(
        sms_clean(notices.withdrawn_text(offer)) for offer in withdrawn
    )
    assert not texts.filter(phone=str(resident.phone)).exists()
    assert not texts.filter(body__icontains="referral").exists()


def test_the_last_referral_closing_lets_an_operator_send_them_to_volunteers(operator):
    for i in range(3):
        volunteer_make(first_name=f"V{i}")
    resident = resident_make()
    first, second = referral_open(resident), referral_open(resident)
    groceries = helprequest_make(resident=resident)
    assert groceries.operators_only

    helprequest_transition(request=first, to=HelpRequest.Status.DONE, actor=operator)
    groceries.refresh_from_db()
    assert groceries.operators_only  # one referral is still open

    helprequest_transition(request=second, to=HelpRequest.Status.CANCELLED, actor=operator)
    groceries.refresh_from_db()
    assert not groceries.operators_only
    assert groceries.timeline.filter(kind=TimelineEvent.Kind.NOTE, data__operators_only=False)
    assert helprequest_match(request=groceries, actor=operator) == "offered"
    assert groceries.offers.filter(status="pending").count() == 3


def test_a_request_made_a_referral_after_it_was_offered_is_withdrawn(operator):
    for i in range(3):
        volunteer_make(first_name=f"V{i}")
    request = helprequest_make()
    helprequest_match(request=request)
    request.refresh_from_db()
    request.kind = HelpRequest.Kind.REFERRAL
    request.save()
    request.refresh_from_db()
    assert request.sensitive and request.operators_only
    assert request.status == HelpRequest.Status.ESCALATED
    assert not request.offers.filter(status__in=["pending", "accepted"]).exists()
    assert not request.offers.filter(request_operators_only=False).exists()
