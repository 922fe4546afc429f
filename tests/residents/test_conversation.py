"""A resident's SMS conversation has state: what a text means depends on what we last said.

After "done, how was it?" a thank-you is feedback on that request, not a new one; after a
cancel a second cancel is acknowledged; the status texts never contradict each other and never
ask how a volunteer did when no volunteer was ever there.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.callbacks import callback_claim, callback_complete, callback_convert
from helpdesk.models import Callback, HelpRequest, TimelineEvent
from helpdesk.offers import helprequest_assign, helprequest_done
from helpdesk.services import helprequest_transition
from notifications.models import Message
from tests.conftest import make_user
from tests.factories import helprequest_make, resident_make, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post

pytestmark = pytest.mark.django_db
S = HelpRequest.Status
IN = TimelineEvent.Kind.SMS_IN

# The request-created confirmation in each language (from the catalogues), which a
# thank-you must never get.
RECEIVED = {
    "sv": "har tagit emot",
    "en": "is received",
    "tr": "alındı",
    "fi": "vastaanotettu",
    "ar": "استلمنا",
}


def done_by_a_volunteer(resident) -> HelpRequest:
    request = helprequest_make(resident=resident, language=resident.language)
    helprequest_assign(request=request, volunteer=volunteer_make())
    helprequest_done(request=request)
    request.refresh_from_db()
    return request


def texts_to(resident) -> list[str]:
    return list(
        Message.objects.filter(direction=Message.Direction.OUTBOUND, phone=str(resident.phone))
        .order_by("pk")
        .values_list("body", flat=True)
    )


FEEDBACK = [
    ("sv", "Tack så mycket, hon var jättesnäll!"),
    ("sv", "tack"),
    ("sv", "Tack så mycket"),
    ("sv", "hon var jättesnäll"),
    ("sv", "TACK!!! 🙏"),
    ("en", "thanks"),
    ("en", "Thank you so much, he was lovely"),
    ("tr", "teşekkürler"),
    ("tr", "sağolun"),
    ("tr", "çok teşekkür ederim"),
    ("fi", "kiitos"),
    ("fi", "Kiitos paljon!"),
    ("ar", "شكرا"),
    ("ar", "شكراً جزيلاً"),
    ("sv", "🙏😊"),
    ("en", "❤️"),
]


@pytest.mark.parametrize("language, text", FEEDBACK)
def test_thanks_after_done_is_feedback_on_that_request_not_a_new_request(sms_in, language, text):
    resident = resident_make(language=language)
    request = done_by_a_volunteer(resident)
    reply = sms_in(str(resident.phone), text)

    assert resident.requests.count() == 1, "a thank-you is never a new request"
    event = request.timeline.filter(kind=IN).get()
    assert event.text == text and event.data["feedback"] is True
    assert RECEIVED[language] not in reply.lower()
    assert reply, "the resident is thanked back"


@pytest.mark.parametrize(
    "language, text, kind",
    [
        ("sv", "tack, kan ni handla igen på fredag", HelpRequest.Kind.GROCERIES),
        ("en", "thanks! could you pick up my medicine next week?", HelpRequest.Kind.PHARMACY),
        ("tr", "teşekkürler, yine market alışverişi lazım", HelpRequest.Kind.GROCERIES),
        ("fi", "kiitos, tarvitsen taas ruokaa kaupasta", HelpRequest.Kind.GROCERIES),
        ("ar", "شكرا، أحتاج دواء مرة أخرى", HelpRequest.Kind.PHARMACY),
    ],
)
def test_thanks_that_names_a_new_need_is_a_new_request(sms_in, language, text, kind):
    resident = resident_make(language=language)
    done = done_by_a_volunteer(resident)
    reply = sms_in(str(resident.phone), text)
    new = resident.requests.exclude(pk=done.pk).get()
    assert new.kind == kind and new.code in reply


def test_thanks_after_the_rating_window_is_not_feedback(sms_in, settings):
    resident = resident_make()
    request = done_by_a_volunteer(resident)
    HelpRequest.objects.filter(pk=request.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.RESIDENT_RATING_DAYS + 1)
    )
    sms_in(str(resident.phone), "tack")
    assert not request.timeline.filter(kind=IN).exists()


def test_a_rating_inside_words_of_thanks_is_kept(sms_in):
    resident = resident_make()
    request = done_by_a_volunteer(resident)
    sms_in(str(resident.phone), "5 tack!")
    request.refresh_from_db()
    assert request.rating == 5 and resident.requests.count() == 1


@pytest.mark.parametrize("text", ["12 tack!", "345 tack", "0 tack", "6 tack"])
def test_a_number_outside_1_to_5_in_thanks_is_no_rating(sms_in, text):
    resident = resident_make()
    request = done_by_a_volunteer(resident)
    sms_in(str(resident.phone), text)
    request.refresh_from_db()
    assert request.rating is None


def test_a_request_nobody_was_matched_to_is_never_rated_or_thanked_for(sms_in):
    resident = resident_make()
    request = helprequest_make(resident=resident)
    helprequest_transition(request=request, to=S.DONE)
    sms_in(str(resident.phone), "5")
    request.refresh_from_db()
    assert request.rating is None


# -- cancel twice -----------------------------------------------------------------------------

ALREADY = {"sv": "redan", "en": "already", "tr": "zaten", "fi": "jo", "ar": "بالفعل"}
CANCEL = {"sv": "AVBRYT", "en": "ABORT", "tr": "İPTAL", "fi": "PERUUTA", "ar": "إلغاء"}
NOT_FOUND = {
    "sv": ["ingen öppen", "inget öppet"],
    "en": ["no open request"],
    "tr": ["açık talep bulamadık", "açık bir talebiniz yok"],
    "fi": ["avointa pyyntöä", "ei ole avointa"],
    "ar": ["لم نجد", "ليس لديك"],
}


@pytest.mark.parametrize("language", list(CANCEL))
@pytest.mark.parametrize("with_code", [True, False])
def test_a_repeated_cancel_is_acknowledged_not_a_new_request(sms_in, language, with_code):
    resident = resident_make(language=language)
    request = helprequest_make(resident=resident, language=language)
    word = CANCEL[language]
    sms_in(str(resident.phone), f"{word} {request.code}")
    request.refresh_from_db()
    assert request.status == S.CANCELLED

    again = f"{word} {request.code}" if with_code else word
    reply = sms_in(str(resident.phone), again)
    assert resident.requests.count() == 1
    assert ALREADY[language] in reply.lower() and request.code in reply
    assert not any(phrase in reply.lower() for phrase in NOT_FOUND[language])
    assert request.timeline.filter(kind=IN).count() == 2


# -- the status texts -------------------------------------------------------------------------


def how_was_it(resident) -> list[str]:
    return [body for body in texts_to(resident) if " 1 " in body and " 5 " in body]


def test_done_asks_how_it_went_only_after_a_volunteer_did_it():
    resident = resident_make()
    done_by_a_volunteer(resident)
    assert len(how_was_it(resident)) == 1


def closed_by_an_operator(resident):
    helprequest_transition(request=helprequest_make(resident=resident), to=S.DONE)


def closed_after_escalation(resident):
    request = helprequest_make(resident=resident)
    helprequest_transition(request=request, to=S.ESCALATED)
    helprequest_transition(request=request, to=S.DONE)


def callback_completed(resident):
    operator = make_user("olga", "operator")
    request = helprequest_make(resident=resident, kind=HelpRequest.Kind.CALLBACK)
    callback = Callback.objects.create(request=request, due_at=timezone.now())
    callback_claim(callback=callback, user=operator)
    callback_complete(callback=callback, user=operator, outcome="Pratade en stund.")


def callback_converted(resident):
    operator = make_user("otto", "operator")
    request = helprequest_make(resident=resident, kind=HelpRequest.Kind.CALLBACK)
    callback = Callback.objects.create(request=request, due_at=timezone.now())
    callback_claim(callback=callback, user=operator)
    callback_convert(
        callback=callback, user=operator, kind=HelpRequest.Kind.GROCERIES, task_text="Mjölk"
    )


@pytest.mark.parametrize(
    "close",
    [closed_by_an_operator, closed_after_escalation, callback_completed, callback_converted],
)
def test_done_without_a_volunteer_never_asks_how_the_volunteer_did(close):
    resident = resident_make()
    close(resident)
    assert how_was_it(resident) == []


def test_no_still_looking_in_the_minute_the_resident_was_told_a_volunteer_is_sought(
    client, run_tasks
):
    resident = resident_make(language="en")  # nobody nearby: matching escalates at once
    phone = str(resident.phone)
    signed_post(client, "/sms/inbound/", inbound_params(phone, "pharmacy please"))
    run_tasks()
    request = resident.requests.get()
    assert request.status == S.ESCALATED
    (confirmation,) = texts_to(resident)
    assert "looking for a volunteer" in confirmation
    # The operator who calls is told what the resident last heard.
    assert request.timeline.filter(
        kind=TimelineEvent.Kind.NOTE, data__msg__startswith="update_not_sent"
    )


def test_still_looking_is_texted_when_matching_gives_up_later():
    resident = resident_make(language="en")
    request = helprequest_make(resident=resident)
    told = Message.objects.create(
        direction=Message.Direction.OUTBOUND, phone=str(resident.phone), body="confirmation"
    )
    Message.objects.filter(pk=told.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    helprequest_transition(request=request, to=S.ESCALATED)
    assert [body for body in texts_to(resident) if "still looking" in body]
