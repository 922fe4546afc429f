from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from helpdesk.models import HelpRequest, TimelineEvent
from helpdesk.offers import (
    OfferClosed,
    helprequest_assign,
    helprequest_done,
    helprequest_match,
    helprequest_match_enqueue,
    offer_accept,
    offer_decline,
    offer_delivery_failed,
    offer_done,
    offers_send,
    offers_withdraw,
)
from matching.models import Offer, Volunteer
from notifications.bodies import sms_segments
from notifications.models import Message
from tests.factories import CENTRE, helprequest_make, landline, resident_make, volunteer_make

pytestmark = pytest.mark.django_db

KM_LAT = 1 / 111.195


def near(km: float, **fields):
    return volunteer_make(lat=CENTRE[0] + km * KM_LAT, lon=CENTRE[1], **fields)


def bodies_to(_outbox, volunteer) -> list[str]:
    """What was queued to the volunteer (the gateway sends it from the worker)."""
    return list(
        Message.objects.filter(direction="out", phone=str(volunteer.phone))
        .exclude(id__in=_seen)
        .order_by("id")
        .values_list("body", flat=True)
    )


_seen: list[int] = []


@pytest.fixture(autouse=True)
def _fresh_seen():
    _seen.clear()


def forget_sent() -> None:
    """From here on, bodies_to() shows only what is queued after this point."""
    _seen[:] = list(Message.objects.values_list("id", flat=True))


@pytest.fixture
def team():
    return [near(0.5 + i * 0.3, first_name=f"V{i}") for i in range(7)]


def status(request) -> str:
    request.refresh_from_db()
    return request.status


def test_first_wave_offers_the_top_three_by_sms(
    team, django_capture_on_commit_callbacks, sms_outbox
):
    request = helprequest_make(task_text="Handla mjölk och bröd")
    with django_capture_on_commit_callbacks(execute=True):
        assert helprequest_match(request=request) == "offered"
    assert status(request) == HelpRequest.Status.OFFERED
    offers = list(request.offers.order_by("-score"))
    assert [o.volunteer for o in offers] == team[:3]
    assert {o.wave for o in offers} == {1}
    assert all(o.expires_at > timezone.now() + timedelta(minutes=19) for o in offers)
    assert Message.objects.filter(direction="out").count() == 3
    body = bodies_to(sms_outbox, team[0])[0]
    assert f"1 {request.code}" in body and f"2 {request.code}" in body
    assert "Handla mjölk" in body
    assert request.resident.address not in body if request.resident.address else True
    assert TimelineEvent.objects.filter(request=request, kind="offer_sent").count() == 3
    assert Volunteer.objects.get(pk=team[0].pk).offers_received == 1


def test_urgent_requests_get_a_shorter_expiry(team):
    request = helprequest_make(urgency=HelpRequest.Urgency.URGENT)
    helprequest_match(request=request)
    offer = request.offers.first()
    assert offer.expires_at < timezone.now() + timedelta(minutes=11)


def test_a_wave_in_progress_is_left_to_run(team):
    request = helprequest_make()
    helprequest_match(request=request)
    assert helprequest_match(request=request) == "waiting"
    assert request.offers.count() == 3


def test_expiry_leads_to_the_next_wave_then_escalation(team, run_tasks, settings):
    settings.MATCHING_MAX_WAVES = 2
    request = helprequest_make()
    helprequest_match(request=request)
    # Each wave's expiry task is due exactly at its offers' expiry, not a moment before.
    run_tasks(now=request.offers.get(wave=1, volunteer=team[0]).expires_at - timedelta(seconds=1))
    assert request.offers.filter(status=Offer.Status.PENDING).count() == 3
    run_tasks(now=request.offers.filter(wave=1).first().expires_at)
    assert request.offers.filter(status=Offer.Status.EXPIRED, wave=1).count() == 3
    assert request.offers.filter(status=Offer.Status.PENDING, wave=2).count() == 3
    run_tasks(now=request.offers.filter(wave=2).first().expires_at)
    assert status(request) == HelpRequest.Status.ESCALATED
    assert "2 vågor" in request.escalation_reason
    assert "6" in request.escalation_reason
    assert TimelineEvent.objects.filter(request=request, kind="offer_expired").count() == 6


def test_declines_bring_the_next_wave_without_waiting(team, run_tasks):
    request = helprequest_make()
    helprequest_match(request=request)
    for offer in request.offers.all():
        offer_decline(offer=offer)
    run_tasks()
    assert request.offers.filter(wave=2, status=Offer.Status.PENDING).count() == 3
    assert Volunteer.objects.get(pk=team[0].pk).offers_answered == 1


def test_one_decline_waits_for_the_others(team, run_tasks):
    request = helprequest_make()
    helprequest_match(request=request)
    offer_decline(offer=request.offers.first())
    run_tasks()
    assert not request.offers.filter(wave=2).exists()


def test_no_candidates_escalates_with_the_reason():
    near(0.5, skills={"callback"})
    request = helprequest_make()
    assert helprequest_match(request=request) == "escalated"
    assert status(request) == HelpRequest.Status.ESCALATED
    assert "5 km" in request.escalation_reason
    assert not request.offers.exists()


def test_running_out_of_volunteers_escalates(run_tasks):
    near(0.5)
    request = helprequest_make()
    helprequest_match(request=request)
    offer_decline(offer=request.offers.get())
    run_tasks()
    assert status(request) == HelpRequest.Status.ESCALATED
    assert "1" in request.escalation_reason


def test_sensitive_request_is_escalated_and_never_offered(team, sms_outbox, run_tasks):
    near(0.2, skills={"referral"})
    request = helprequest_make(kind=HelpRequest.Kind.REFERRAL, safe_callback_note="Ring 10-12")
    helprequest_match_enqueue(request=request)
    run_tasks()
    assert status(request) == HelpRequest.Status.ESCALATED
    assert "Känsligt ärende" in request.escalation_reason
    assert not Offer.objects.filter(request=request).exists()
    assert sms_outbox == []
    with pytest.raises(ValidationError):
        offers_send(request=request, volunteers=team[:1])
    with pytest.raises(ValidationError):
        helprequest_assign(request=request, volunteer=team[0])
    assert not Offer.objects.filter(request=request).exists()


def test_escalated_request_stays_with_operators_unless_one_restarts(team, run_tasks, operator):
    request = helprequest_make()
    helprequest_match(request=request)
    HelpRequest.objects.filter(pk=request.pk).update(status=HelpRequest.Status.ESCALATED)
    request.offers.update(status=Offer.Status.EXPIRED)
    assert helprequest_match(request=request) == "skipped"
    assert helprequest_match(request=request, actor=operator) == "offered"
    assert request.offers.filter(status=Offer.Status.PENDING).count() == 3


def test_accept_wins_and_everyone_is_told(team, django_capture_on_commit_callbacks, sms_outbox):
    resident = resident_make(name="Greta Svensson", address="Storgatan 1", language="en")
    request = helprequest_make(resident=resident, internal_notes="Diabetes, nyckel hos granne")
    helprequest_match(request=request)
    winner, *others = request.offers.order_by("-score")
    forget_sent()
    with django_capture_on_commit_callbacks(execute=True):
        offer_accept(offer=winner)
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.ASSIGNED
    assert request.assigned_volunteer == winner.volunteer
    details = bodies_to(sms_outbox, winner.volunteer)[0]
    assert "Greta Svensson" in details and "Storgatan 1" in details
    assert "Diabetes" not in details and "nyckel" not in details
    for other in others:
        other.refresh_from_db()
        assert other.status == Offer.Status.WITHDRAWN
        (taken,) = bodies_to(sms_outbox, other.volunteer)
        # They never answered: no longer needed, and no thanks for an answer never sent.
        assert "no longer needed" in taken or "behövs inte längre" in taken
        assert "answering" not in taken and "svarade" not in taken
        assert "Storgatan" not in taken
    (notice,) = Message.objects.filter(phone=str(resident.phone)).values_list("body", flat=True)
    assert winner.volunteer.first_name in notice
    assert winner.volunteer.organisation.name in notice
    assert "will help you" in notice  # the resident's language, English here


def test_second_accept_is_told_politely_it_is_taken(team):
    request = helprequest_make()
    helprequest_match(request=request)
    first, second = request.offers.order_by("-score")[:2]
    offer_accept(offer=first)
    with pytest.raises(OfferClosed) as closed:
        offer_accept(offer=second)
    assert closed.value.reason == OfferClosed.TAKEN
    assert request.offers.filter(status=Offer.Status.ACCEPTED).count() == 1


def test_late_accept_after_expiry(team, run_tasks):
    request = helprequest_make()
    helprequest_match(request=request)
    offer = request.offers.order_by("-score").first()
    run_tasks(now=offer.expires_at)
    with pytest.raises(OfferClosed) as closed:
        offer_accept(offer=offer)
    assert closed.value.reason == OfferClosed.EXPIRED
    assert status(request) == HelpRequest.Status.OFFERED


def test_accept_past_expiry_before_the_task_has_run_is_refused(team):
    request = helprequest_make()
    helprequest_match(request=request)
    offer = request.offers.first()
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(OfferClosed) as closed:
        offer_accept(offer=offer)
    assert closed.value.reason == OfferClosed.EXPIRED


def test_resident_with_a_landline_is_skipped_visibly(team, sms_outbox):
    request = helprequest_make(resident=resident_make(phone=landline()))
    helprequest_match(request=request)
    offer_accept(offer=request.offers.first())
    refused = Message.objects.get(phone=str(request.resident.phone))
    assert refused.status == Message.Status.REFUSED
    assert TimelineEvent.objects.filter(
        request=request, kind="note", text__contains="ring"
    ).exists()


def test_done_closes_thanks_and_rests_the_volunteer(team, sms_outbox):
    request = helprequest_make()
    helprequest_match(request=request)
    offer = request.offers.order_by("-score").first()
    offer_accept(offer=offer)
    sms_outbox.clear()
    offer_done(offer=offer)
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.DONE and request.closed_at
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DONE
    assert Volunteer.objects.get(pk=offer.volunteer_id).last_task_at is not None
    with pytest.raises(OfferClosed) as closed:
        offer_done(offer=offer)
    assert closed.value.reason == OfferClosed.ALREADY_DONE


def test_operator_marks_done(team, operator):
    request = helprequest_make()
    offer = helprequest_assign(request=request, volunteer=team[3], actor=operator)
    helprequest_done(request=request, actor=operator)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DONE
    assert status(request) == HelpRequest.Status.DONE


def test_operator_assigns_directly(team, operator, sms_outbox):
    request = helprequest_make()
    helprequest_match(request=request)
    chosen = team[5]
    offer = helprequest_assign(request=request, volunteer=chosen, actor=operator)
    assert offer.status == Offer.Status.ACCEPTED
    assert status(request) == HelpRequest.Status.ASSIGNED
    assert request.offers.filter(status=Offer.Status.PENDING).count() == 0
    with pytest.raises(ValidationError):
        helprequest_assign(request=request, volunteer=team[6], actor=operator)


def test_operator_chosen_offers(team, operator):
    request = helprequest_make()
    offers = offers_send(request=request, volunteers=[team[6], team[5]], actor=operator)
    assert [o.volunteer for o in offers] == [team[6], team[5]]
    assert status(request) == HelpRequest.Status.OFFERED
    more = offers_send(request=request, volunteers=[team[6], team[4]], actor=operator)
    assert [(o.volunteer, o.wave) for o in more] == [(team[4], 2)]
    with pytest.raises(ValidationError):
        offers_send(request=request, volunteers=[team[6]], actor=operator)


def test_cancel_withdraws_offers_politely(team, operator, sms_outbox):
    request = helprequest_make()
    helprequest_match(request=request)
    sms_outbox.clear()
    withdrawn = offers_withdraw(request=request, actor=operator, reason="Resident cancelled")
    assert len(withdrawn) == 3
    told = Message.objects.filter(body__contains="behövs inte längre")
    assert sorted(told.values_list("phone", flat=True)) == sorted(
        str(o.volunteer.phone) for o in withdrawn
    )
    assert not request.offers.filter(status=Offer.Status.PENDING).exists()


def test_undelivered_offer_counts_as_a_decline(team, run_tasks):
    request = helprequest_make()
    helprequest_match(request=request)
    for offer in request.offers.all():
        assert offer_delivery_failed(offer_id=offer.pk, why="30003")
    assert request.offers.filter(status=Offer.Status.FAILED).count() == 3
    run_tasks()
    assert request.offers.filter(wave=2).count() == 3


def test_status_signal_marks_the_offer_failed(team):
    from notifications.signals import message_status_changed

    request = helprequest_make()
    helprequest_match(request=request)
    offer = request.offers.first()
    message = Message.objects.get(about_id=offer.pk, direction="out")
    message.status = Message.Status.UNDELIVERED
    message.save()
    message_status_changed.send(sender=Message, message=message, previous="sent")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.FAILED
    assert TimelineEvent.objects.filter(request=request, kind="offer_failed").exists()


def test_an_opted_out_volunteer_offer_is_failed_at_once(run_tasks):
    from notifications.models import OptOut

    stopped = near(0.3)
    near(0.6)
    request = helprequest_make()
    OptOut.objects.create(phone=str(stopped.phone))
    helprequest_match(request=request)
    assert not request.offers.filter(volunteer=stopped).exists()


@pytest.mark.parametrize("language", ["sv", "en", "ar", "tr", "fi"])
def test_offers_fit_two_segments_in_every_language(language, sms_outbox):
    volunteer = near(0.4, language=language)
    request = helprequest_make(
        task_text=("Handla: " + "mjölk, bröd, ägg, kaffe, şeker, ğ; " * 9)[:300]
    )
    helprequest_match(request=request)
    message = Message.objects.get(about_id=request.offers.get(volunteer=volunteer).pk)
    assert sms_segments(message.body) <= 2
    assert request.code in message.body


def test_opt_out_signal_mirrors_onto_the_volunteer():
    from notifications.models import OptOut
    from notifications.signals import opt_out_changed

    volunteer = near(0.3)
    opt_out_changed.send(sender=OptOut, phone=str(volunteer.phone), opted_out=True)
    volunteer.refresh_from_db()
    assert volunteer.opted_out
    opt_out_changed.send(sender=OptOut, phone=str(volunteer.phone), opted_out=False)
    volunteer.refresh_from_db()
    assert not volunteer.opted_out


def test_open_requests_are_matched_most_pressing_first():
    from helpdesk.offers import helprequests_match_open

    only = near(0.5, max_open_tasks=1)
    calm = helprequest_make(urgency=HelpRequest.Urgency.LOW)
    urgent = helprequest_make(
        urgency=HelpRequest.Urgency.URGENT, resident=resident_make(is_70_plus=True)
    )
    outcomes = helprequests_match_open()
    # The one volunteer's place goes to the urgent request; the calm one has nobody left.
    assert Offer.objects.get(volunteer=only).request == urgent
    assert status(calm) == HelpRequest.Status.ESCALATED
    assert outcomes == {"offered": 1, "escalated": 1}
