"""HELP and its local words alone: a volunteer gets the reply protocol, anyone else a call
from the support line. Through the signed webhook and the worker, as Twilio delivers them."""

import pytest

from helpdesk.models import Callback, HelpRequest, Resident
from notifications.models import Message
from tests.factories import helprequest_make, mobile, resident_make, volunteer_make
from tests.notifications.conftest import inbound_params, signed_post

pytestmark = pytest.mark.django_db

HELP_WORDS = [
    ("hjälp", "sv", "Tack"),
    ("HJÄLP", "sv", "Tack"),
    ("help", "en", "Thank you"),
    ("Help!", "en", "Thank you"),
    ("apua", "fi", "Kiitos"),
    ("yardım", "tr", "Teşekkür"),
    ("YARDIM", "tr", "Teşekkür"),
    ("مساعدة", "ar", "شكر"),
]
# Words only the volunteers' usage text has, in every language (from the catalogues).
VOLUNTEER_PROTOCOL = ("1 4821",)


def text_in(client, run_tasks, phone: str, body: str) -> list[Message]:
    before = set(Message.objects.filter(direction="out").values_list("pk", flat=True))
    assert signed_post(client, "/sms/inbound/", inbound_params(phone, body)).status_code == 200
    run_tasks()
    return list(
        Message.objects.filter(direction="out", phone=phone).exclude(pk__in=before).order_by("pk")
    )


def callback_of(phone: str) -> HelpRequest:
    request = Resident.objects.get(phone=phone).requests.get()
    assert request.kind == HelpRequest.Kind.CALLBACK
    assert Callback.objects.filter(request=request, done_at__isnull=True).exists()
    assert not request.offers.exists()
    return request


@pytest.mark.parametrize("word, language, thanks", HELP_WORDS)
def test_help_from_an_unknown_number_is_a_callback_in_the_words_language(
    client, run_tasks, word, language, thanks
):
    phone = mobile()
    (reply,) = text_in(client, run_tasks, phone, word)
    request = callback_of(phone)
    assert request.code in reply.body and thanks.lower() in reply.body.lower()
    assert request.language == language
    assert not any(part in reply.body for part in VOLUNTEER_PROTOCOL)


@pytest.mark.parametrize("word, language, thanks", HELP_WORDS)
def test_help_from_a_known_resident_is_a_callback(client, run_tasks, word, language, thanks):
    resident = resident_make(language=language)
    (reply,) = text_in(client, run_tasks, str(resident.phone), word)
    request = callback_of(str(resident.phone))
    assert request.code in reply.body and thanks.lower() in reply.body.lower()
    assert not any(part in reply.body for part in VOLUNTEER_PROTOCOL)


def test_help_while_a_request_is_open_still_reaches_an_operator(client, run_tasks):
    resident = resident_make()
    groceries = helprequest_make(resident=resident)
    text_in(client, run_tasks, str(resident.phone), "hjälp")
    callback = resident.requests.exclude(pk=groceries.pk).get()
    assert callback.kind == HelpRequest.Kind.CALLBACK and hasattr(callback, "callback")
    groceries.refresh_from_db()
    assert groceries.status == HelpRequest.Status.NEW


@pytest.mark.parametrize("word", [w for w, _, _ in HELP_WORDS] + ["info"])
def test_help_from_a_volunteer_is_the_reply_protocol(client, run_tasks, word):
    volunteer = volunteer_make(language="sv")
    (reply,) = text_in(client, run_tasks, str(volunteer.phone), word)
    assert "1 4821" in reply.body
    assert not Resident.objects.exists() and not HelpRequest.objects.exists()
