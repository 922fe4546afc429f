from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk.callbacks import callback_claim, callback_complete, callback_queue
from helpdesk.models import Callback, HelpRequest
from tests.conftest import make_user
from tests.factories import helprequest_make

pytestmark = pytest.mark.django_db


def callback_make(*, due_in=timedelta(hours=-1), urgency=1, repeat=None) -> Callback:
    request = helprequest_make(kind="callback", task_text="Ring Greta", urgency=urgency)
    return Callback.objects.create(
        request=request, due_at=timezone.now() + due_in, repeat_every_days=repeat
    )


def test_queue_by_due_time_then_priority():
    later = callback_make(due_in=timedelta(hours=2))
    soon_low = callback_make(due_in=timedelta(hours=-1), urgency=0)
    same_time_urgent = Callback.objects.create(
        request=helprequest_make(kind="callback", urgency=2), due_at=soon_low.due_at
    )
    assert list(callback_queue()) == [same_time_urgent, soon_low, later]


def test_two_operators_cannot_claim_the_same_call(operator):
    other = make_user("bo", "operator")
    callback = callback_make()
    assert callback_claim(callback=callback, user=operator)
    assert not callback_claim(callback=Callback.objects.get(pk=callback.pk), user=other)
    assert Callback.objects.get(pk=callback.pk).claimed_by == operator


def test_acting_without_a_claim_is_refused(operator):
    callback = callback_make()
    with pytest.raises(PermissionError):
        callback_complete(callback=callback, user=operator, outcome="Pratade")


def test_recurring_check_in_creates_the_next_one(operator_client, operator):
    callback = callback_make(repeat=7)
    url = reverse("callback_action", args=[callback.pk, "claim"])
    operator_client.post(url)
    operator_client.post(
        reverse("callback_action", args=[callback.pk, "complete"]), {"outcome": "Mår bra"}
    )
    callback.refresh_from_db()
    assert callback.done_at and callback.outcome == "Mår bra"
    assert callback.request.status == HelpRequest.Status.DONE
    following = Callback.objects.exclude(pk=callback.pk).get()
    assert following.repeat_every_days == 7
    assert following.due_at == callback.due_at + timedelta(days=7)
    assert following.request.resident == callback.request.resident


def test_reschedule_frees_the_call(operator_client):
    callback = callback_make()
    operator_client.post(reverse("callback_action", args=[callback.pk, "claim"]))
    operator_client.post(
        reverse("callback_action", args=[callback.pk, "reschedule"]),
        {"due_at": "2031-05-01T10:30", "outcome": "Ej hemma"},
    )
    callback.refresh_from_db()
    assert callback.claimed_by is None
    assert timezone.localtime(callback.due_at).hour == 10
    assert callback.request.timeline.filter(text__contains="Ej hemma").exists()


def test_turn_into_a_help_request(operator_client):
    callback = callback_make()
    operator_client.post(reverse("callback_action", args=[callback.pk, "claim"]))
    response = operator_client.post(
        reverse("callback_action", args=[callback.pk, "convert"]),
        {"kind": "groceries", "task_text": "Handla till helgen"},
    )
    created = HelpRequest.objects.get(kind="groceries")
    assert response.url == reverse("request_detail", args=[created.pk])
    assert created.resident == callback.request.resident
    callback.refresh_from_db()
    assert created.code in callback.outcome


def test_the_page_lists_the_queue(operator_client):
    callback_make()
    page = operator_client.get(reverse("callbacks")).content.decode()
    assert "Ring Greta" in page


def test_a_callback_falling_due_moves_up_the_boards(operator_client, run_tasks):
    from helpdesk.models import BoardEvent

    operator_client.post(
        reverse("intake"),
        {
            "token": "5f0c3c1e-8a0b-4a8e-9d7c-1b2a3c4d5e6f",
            "phone": "070-174 06 20",
            "language": "sv",
            "kind": "callback",
            "urgency": "1",
            "window_start": "2020-01-01T10:00",
            "consent": "on",
        },
    )
    callback = Callback.objects.get()
    before = BoardEvent.objects.count()
    run_tasks()
    event = BoardEvent.objects.order_by("-id").first()
    assert BoardEvent.objects.count() == before + 1
    assert (event.event, event.card["id"]) == ("callback_due", callback.request_id)
    assert event.card["callback_due_at"] is not None


def test_a_done_callback_falling_due_changes_nothing(operator):
    from helpdesk.callbacks import callback_due_mark

    callback = callback_make()
    callback.done_at = timezone.now()
    callback.save()
    assert not callback_due_mark(callback_id=callback.pk)


def referral_callback_make(note: str) -> Callback:
    from tests.factories import resident_make

    resident = resident_make(name="Leyla Demir", language="tr")
    request = helprequest_make(
        resident=resident, kind="referral", task_text="", safe_callback_note=note
    )
    return Callback.objects.create(request=request, due_at=timezone.now())


@pytest.mark.parametrize(
    "language, kind_label, language_label, warning",
    [
        ("sv", "Hänvisning", "turkiska", "Lämna inget meddelande"),
        ("en", "Referral", "Turkish", "Leave no message"),
    ],
)
def test_a_card_says_what_the_caller_needs_before_the_call(
    operator_client, settings, language, kind_label, language_label, warning
):
    """Kind, language in words, name and phone on every card; a referral's safe-callback note in
    plain sight, and without one, a warning not to leave a message."""
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with_note = referral_callback_make("Ring efter 14, lämna aldrig röstmeddelande")
    without_note = referral_callback_make("")
    plain = callback_make()
    page = operator_client.get(reverse("callbacks")).content.decode()

    def card(callback: Callback) -> str:
        start = page.index(f'id="callback-{callback.pk}"')
        return page[start : page.index("</li>", start)]

    for callback in (with_note, without_note, plain):
        text = card(callback)
        assert callback.request.resident.name in text
        assert str(callback.request.resident.phone) in text
    assert kind_label in card(with_note) and language_label in card(with_note)
    assert "Ring efter 14, lämna aldrig röstmeddelande" in card(with_note)
    assert warning in card(without_note)
    assert warning not in card(plain)


def test_a_call_made_does_not_end_a_task_a_volunteer_holds(operator):
    """A resident who asked to be called while a volunteer holds their request: the call is
    logged, and the task stays the volunteer's to finish (and to be thanked for)."""
    from helpdesk.offers import helprequest_assign
    from notifications.models import Message
    from tests.factories import volunteer_make

    callback = callback_make()
    request = callback.request
    volunteer = volunteer_make()
    offer = helprequest_assign(request=request, volunteer=volunteer)
    sent = Message.objects.filter(phone=str(volunteer.phone)).count()
    assert callback_claim(callback=callback, user=operator)
    callback_complete(callback=Callback.objects.get(pk=callback.pk), user=operator, outcome="Ok")

    request.refresh_from_db()
    offer.refresh_from_db()
    assert request.status == HelpRequest.Status.ASSIGNED
    assert offer.status == offer.Status.ACCEPTED
    assert Message.objects.filter(phone=str(volunteer.phone)).count() == sent
    assert Callback.objects.get(pk=callback.pk).done_at is not None


def test_a_call_made_leaves_a_request_out_with_volunteers_open(operator):
    """The call is logged (it used to fail: an offered request cannot be done); the
    volunteers asked keep their offers."""
    from helpdesk.offers import offers_send
    from matching.models import Offer
    from tests.factories import volunteer_make

    callback = callback_make()
    request = callback.request
    request.task_text = "Ring och handla"
    request.save(update_fields=["task_text"])
    offers_send(request=request, volunteers=[volunteer_make()])
    assert callback_claim(callback=callback, user=operator)
    callback_complete(callback=Callback.objects.get(pk=callback.pk), user=operator, outcome="Ok")

    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OFFERED
    assert request.offers.filter(status=Offer.Status.PENDING).count() == 1
    assert Callback.objects.get(pk=callback.pk).done_at is not None


def test_a_call_made_on_an_escalated_request_closes_it(operator):
    callback = callback_make()
    request = callback.request
    from helpdesk.services import helprequest_transition

    helprequest_transition(request=request, to=HelpRequest.Status.ESCALATED)
    assert callback_claim(callback=callback, user=operator)
    callback_complete(callback=Callback.objects.get(pk=callback.pk), user=operator, outcome="Ok")
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.DONE


def test_a_time_past_is_refused_and_the_call_stays_where_it_was(operator_client):
    callback = callback_make(due_in=timedelta(hours=1))
    due = callback.due_at
    operator_client.post(reverse("callback_action", args=[callback.pk, "claim"]))
    response = operator_client.post(
        reverse("callback_action", args=[callback.pk, "reschedule"]),
        {"due_at": "2020-01-01T10:00"},
        follow=True,
    )
    callback.refresh_from_db()
    assert callback.due_at == due
    assert "inte har passerat" in response.content.decode()


def test_a_logged_call_brings_the_page_back_to_its_neighbour(operator_client):
    first = callback_make(due_in=timedelta(hours=-3))
    logged = callback_make(due_in=timedelta(hours=-2))
    after = callback_make(due_in=timedelta(hours=-1))
    operator_client.post(reverse("callback_action", args=[logged.pk, "claim"]))
    response = operator_client.post(
        reverse("callback_action", args=[logged.pk, "complete"]), {"outcome": "Pratade"}
    )
    assert response.url.endswith(f"#callback-{after.pk}")
    operator_client.post(reverse("callback_action", args=[after.pk, "claim"]))
    response = operator_client.post(
        reverse("callback_action", args=[after.pk, "complete"]), {"outcome": "Pratade"}
    )
    assert response.url.endswith(f"#callback-{first.pk}")  # the last one: its predecessor
    operator_client.post(reverse("callback_action", args=[first.pk, "claim"]))
    response = operator_client.post(
        reverse("callback_action", args=[first.pk, "complete"]), {"outcome": "Pratade"}
    )
    assert response.url.endswith("#callbacks")
