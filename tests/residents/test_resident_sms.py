import re
from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.models import Callback, HelpRequest, Resident, TimelineEvent
from helpdesk.services import helprequest_transition
from notifications.models import Message
from tests.factories import helprequest_make, mobile, resident_make, volunteer_make

from .conftest import sms_receive

pytestmark = pytest.mark.django_db
K = HelpRequest.Kind
S = HelpRequest.Status
ARABIC = re.compile("[\u0600-\u06ff]")

# A word each language's confirmation contains (from the catalogues).
THANKS = {"sv": "Tack", "en": "Thank you", "tr": "Teşekkür", "fi": "Kiitos", "ar": "شكر"}


def only_request(resident) -> HelpRequest:
    (request,) = resident.requests.all()
    return request


@pytest.mark.parametrize(
    "language, text, kind",
    [
        ("sv", "Kan någon HANDLA mat åt mig?", K.GROCERIES),
        ("sv", "apotek", K.PHARMACY),
        ("sv", "Ring mig, tack", K.CALLBACK),
        ("en", "I need groceries", K.GROCERIES),
        ("en", "pharmacy pick-up please", K.PHARMACY),
        ("en", "call me", K.CALLBACK),
        ("ar", "أحتاج بقالة", K.GROCERIES),
        ("ar", "صيدلية", K.PHARMACY),
        ("ar", "اتصل بي", K.CALLBACK),
        ("tr", "alışveriş", K.GROCERIES),
        ("tr", "eczane", K.PHARMACY),
        ("tr", "beni arayın", K.CALLBACK),
        ("fi", "kauppa", K.GROCERIES),
        ("fi", "apteekki", K.PHARMACY),
        ("fi", "soita minulle", K.CALLBACK),
    ],
)
def test_known_resident_gets_a_request_of_the_right_kind_confirmed_in_their_language(
    sms_in, language, text, kind
):
    resident = resident_make(language=language)
    reply = sms_in(str(resident.phone), text)

    request = only_request(resident)
    assert request.kind == kind
    assert request.channel == HelpRequest.Channel.SMS
    assert request.language == language
    assert request.code in reply
    assert THANKS[language] in reply
    assert bool(ARABIC.search(reply)) == (language == "ar")
    # The text itself is on the timeline for operators, never in the volunteer's task.
    assert request.timeline.filter(kind=TimelineEvent.Kind.SMS_IN, text=text).exists()
    assert request.task_text == ""


def test_the_confirmation_tells_how_to_cancel_with_a_word_twilio_does_not_reserve(sms_in):
    for language, word in [("sv", "AVBRYT"), ("en", "ABORT"), ("tr", "İPTAL"), ("fi", "PERUUTA")]:
        resident = resident_make(language=language)
        reply = sms_in(str(resident.phone), "apotek")
        code = only_request(resident).code
        assert f"{word} {code}" in reply
        assert "CANCEL" not in reply and "STOP" not in reply


def test_a_clear_request_starts_matching_and_an_unclear_one_does_not(sms_in, run_tasks):
    volunteer_make()
    clear, unclear = resident_make(), resident_make()
    sms_in(str(clear.phone), "handla")
    sms_in(str(unclear.phone), "hej?")
    assert run_tasks() >= 1
    assert only_request(clear).status == S.OFFERED
    assert only_request(unclear).status == S.NEW
    assert not only_request(unclear).offers.exists()


def test_unclear_text_goes_to_triage_with_a_callback(sms_in):
    resident = resident_make(language="en")
    reply = sms_in(str(resident.phone), "hello, can you help?")
    request = only_request(resident)
    assert request.kind == K.OTHER and request.status == S.NEW
    assert Callback.objects.filter(request=request).exists()
    assert request.code in reply and "support line" in reply


def test_unknown_number_gets_a_resident_a_triage_request_and_a_callback_due_soon(sms_in):
    phone = mobile()
    reply = sms_in(phone, "Merhaba, alışveriş için yardım lütfen")
    resident = Resident.objects.get(phone=phone)
    assert resident.language == "tr" and resident.name == ""
    request = only_request(resident)
    assert request.status == S.NEW
    assert request.kind == K.GROCERIES
    callback = Callback.objects.get(request=request)
    assert timezone.now() < callback.due_at <= timezone.now() + timedelta(minutes=31)
    assert request.code in reply and THANKS["tr"].lower() in reply.lower()
    assert "Tack" not in reply


def test_unknown_number_in_arabic_is_answered_in_arabic(sms_in):
    phone = mobile()
    reply = sms_in(phone, "مرحبا")
    assert Resident.objects.get(phone=phone).language == "ar"
    assert ARABIC.search(reply)


def test_unknown_number_with_no_clue_gets_swedish_and_english(sms_in):
    phone = mobile()
    reply = sms_in(phone, "???")
    resident = Resident.objects.get(phone=phone)
    assert resident.language == "sv"
    assert "Tack" in reply and "Thank you" in reply
    assert reply.count(only_request(resident).code) == 2


def test_the_sender_number_in_any_format_finds_the_resident(sms_in):
    resident = resident_make(phone="+46701112233")
    sms_in("0046701112233", "apotek")
    assert resident.requests.count() == 1
    assert Resident.objects.count() == 1


def test_a_sender_that_is_not_a_phone_number_is_left_to_the_sms_log(sms_in):
    assert sms_in("VODAFONE", "hej") is None
    assert not Resident.objects.exists()


def test_follow_up_joins_the_open_request_and_is_shown_live(
    sms_in, django_capture_on_commit_callbacks
):
    resident = resident_make()
    sms_in(str(resident.phone), "handla")
    request = only_request(resident)
    with django_capture_on_commit_callbacks() as callbacks:
        reply = sms_in(str(resident.phone), "Mjölk och bröd också")
    assert resident.requests.count() == 1
    event = request.timeline.filter(kind=TimelineEvent.Kind.SMS_IN).last()
    assert event.text == "Mjölk och bröd också" and event.actor_label == "SMS"
    assert callbacks, "a board event is sent after commit"
    assert request.code in reply
    message = Message.objects.get(body="Mjölk och bröd också")
    assert message.about == request


def test_a_retried_dispatch_of_the_same_message_does_nothing_twice(db):
    resident = resident_make()
    from notifications.inbound import inbound_dispatch

    message, _ = sms_receive(str(resident.phone), "handla")
    assert inbound_dispatch(message) == ""
    assert resident.requests.count() == 1
    assert TimelineEvent.objects.filter(kind=TimelineEvent.Kind.SMS_IN).count() == 1


@pytest.mark.parametrize(
    "language, word",
    [("sv", "AVBRYT"), ("en", "ABORT"), ("tr", "İPTAL"), ("fi", "PERUUTA"), ("ar", "إلغاء")],
)
def test_cancel_with_the_local_word_and_the_code(sms_in, language, word):
    resident = resident_make(language=language)
    sms_in(str(resident.phone), "apotek")
    request = only_request(resident)
    reply = sms_in(str(resident.phone), f"{word} {request.code}")
    request.refresh_from_db()
    assert request.status == S.CANCELLED
    assert request.timeline.filter(to_status=S.CANCELLED, actor_label="SMS").exists()
    assert request.code in reply


def test_cancel_with_arabic_digits(sms_in):
    resident = resident_make(language="ar")
    request = helprequest_make(resident=resident)
    arabic = "".join(chr(0x0660 + int(d)) for d in request.code)
    sms_in(str(resident.phone), f"إلغاء {arabic}")
    request.refresh_from_db()
    assert request.status == S.CANCELLED


def test_cancel_without_a_code_asks_for_it(sms_in):
    resident = resident_make()
    request = helprequest_make(resident=resident)
    reply = sms_in(str(resident.phone), "avbryt")
    request.refresh_from_db()
    assert request.status == S.NEW
    assert f"AVBRYT {request.code}" in reply


def test_cancel_with_someone_elses_code_changes_nothing(sms_in):
    resident = resident_make()
    mine = helprequest_make(resident=resident)
    theirs = helprequest_make()
    reply = sms_in(str(resident.phone), f"AVBRYT {theirs.code}")
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.status == S.NEW and mine.status == S.NEW
    assert theirs.code in reply
    # The message is still where operators look.
    assert mine.timeline.filter(kind=TimelineEvent.Kind.SMS_IN).exists()


def test_cancel_of_an_assigned_request_frees_it(sms_in):
    resident = resident_make()
    request = helprequest_make(resident=resident)
    helprequest_transition(request=request, to=S.ASSIGNED, assigned_volunteer=volunteer_make())
    sms_in(str(resident.phone), f"avbryt {request.code}")
    request.refresh_from_db()
    assert request.status == S.CANCELLED


def done(request: HelpRequest) -> HelpRequest:
    """Done by a volunteer: only then is the resident asked how it went."""
    helprequest_transition(request=request, to=S.ASSIGNED, assigned_volunteer=volunteer_make())
    helprequest_transition(request=request, to=S.DONE)
    request.refresh_from_db()
    return request


def outbound() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND))


def test_done_thanks_the_resident_and_invites_a_rating():
    resident = resident_make(language="fi")
    request = helprequest_make(resident=resident)
    done(request)
    (message,) = outbound()
    assert message.about == request and message.language == "fi"
    assert message.phone == str(resident.phone)
    assert request.code in message.body and "1" in message.body and "5" in message.body
    assert THANKS["fi"] in message.body
    assert request.timeline.filter(kind=TimelineEvent.Kind.SMS_OUT).exists()


def test_escalated_tells_the_resident_honestly():
    resident = resident_make(language="en")
    request = helprequest_make(resident=resident)
    helprequest_transition(request=request, to=S.ESCALATED)
    (message,) = outbound()
    assert "still looking" in message.body and "support line will call" in message.body


def test_no_update_texts_to_a_landline():
    from tests.factories import landline

    done(helprequest_make(resident=resident_make(phone=landline())))
    assert outbound() == []


def test_cancelling_is_not_texted_back_twice():
    request = helprequest_make()
    helprequest_transition(request=request, to=S.CANCELLED)
    assert outbound() == []


@pytest.mark.parametrize("text, rating", [("5", 5), ("2", 2), ("٤", 4)])
def test_rating_after_done(sms_in, text, rating):
    resident = resident_make()
    request = done(helprequest_make(resident=resident))
    reply = sms_in(str(resident.phone), text)
    request.refresh_from_db()
    assert request.rating == rating
    assert "betyg" in reply.lower()
    assert resident.requests.count() == 1


def test_rating_with_a_code_rates_that_request(sms_in):
    resident = resident_make()
    first = done(helprequest_make(resident=resident))
    second = done(helprequest_make(resident=resident))
    sms_in(str(resident.phone), f"3 {first.code}")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.rating, second.rating) == (3, None)


def test_a_digit_with_nothing_to_rate_is_a_message_not_a_rating(sms_in):
    resident = resident_make()
    request = helprequest_make(resident=resident)
    sms_in(str(resident.phone), "5")
    request.refresh_from_db()
    assert request.rating is None
    assert request.timeline.filter(kind=TimelineEvent.Kind.SMS_IN, text="5").exists()


def test_old_requests_are_not_rated(sms_in):
    resident = resident_make()
    request = done(helprequest_make(resident=resident))
    HelpRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - timedelta(days=30))
    sms_in(str(resident.phone), "5")
    request.refresh_from_db()
    assert request.rating is None


def test_a_flood_collapses_into_the_open_request(sms_in):
    resident = resident_make()
    for n in range(25):
        sms_in(str(resident.phone), f"handla {n}")
    request = only_request(resident)
    assert request.timeline.filter(kind=TimelineEvent.Kind.SMS_IN).count() == 25


def test_replies_stop_at_the_daily_cap_but_every_message_is_kept(sms_in, settings):
    settings.RESIDENT_SMS_DAILY_REPLIES = 4
    resident = resident_make(language="en")
    replies = [sms_in(str(resident.phone), f"help {n}") for n in range(7)]
    assert all(replies[:3])
    assert "without a reply" in replies[3]
    assert replies[4:] == ["", "", ""]
    request = only_request(resident)
    assert request.timeline.filter(kind=TimelineEvent.Kind.SMS_IN).count() == 7


def test_new_requests_by_sms_stop_at_the_daily_cap(sms_in, settings):
    settings.RESIDENT_SMS_DAILY_REQUESTS = 2
    resident = resident_make(language="en")
    phone = str(resident.phone)
    for _ in range(2):
        sms_in(phone, "groceries")
        request = resident.requests.latest("created_at")
        sms_in(phone, f"ABORT {request.code}")
    reply = sms_in(phone, "groceries again")
    assert resident.requests.count() == 2
    assert "without a reply" in reply
    latest = resident.requests.latest("created_at")
    event = latest.timeline.filter(kind=TimelineEvent.Kind.SMS_IN).last()
    assert event.text == "groceries again" and event.data["over_daily_cap"] is True
