from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.languages import language_guess, text_fold
from helpdesk.models import HelpRequest, TimelineEvent
from helpdesk.resident_sms import cancel_read, kinds_read, rating_read
from helpdesk.safety import text_signals_danger
from notifications.webhooks import public_url, twilio_signature
from tests.factories import landline, mobile, resident_make

from .conftest import sms_receive

pytestmark = pytest.mark.django_db

# Bodies people and networks really send: any Unicode, and a bias towards the words, digits
# and marks the parser looks at.
words = st.sampled_from(
    [
        "AVBRYT",
        "İPTAL",
        "إلغاء",
        "PERUUTA",
        "abort",
        "handla",
        "apotek",
        "ring",
        "اتصل",
        "slår mig",
        "٤٨٢١",
        "4821",
        "5",
        "\u200f",
        "\u202e",
        "🙂",
        "  ",
        "\x00",
        "ı",
        "ß",
    ]
)
bodies = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(words, st.text(max_size=8)), max_size=12).map(" ".join),
)
fuzz = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@fuzz
@given(body=bodies)
def test_the_readers_never_raise(body):
    text_fold(body)
    language_guess(body)
    kinds_read(body)
    cancel_read(body)
    rating_read(body)
    text_signals_danger(body)


@fuzz
@given(body=bodies, sender=st.sampled_from(["known", "new", "garbage", "landline"]))
def test_any_body_from_any_sender_is_answered_or_left_to_the_log_and_never_lost(body, sender):
    phone = {
        "known": lambda: str(resident_make().phone),
        "new": mobile,
        "garbage": lambda: "ABC-not-a-number",
        "landline": landline,
    }[sender]()
    message, reply = sms_receive(phone, body)
    assert reply is None or isinstance(reply, str)
    message.refresh_from_db()
    if sender != "garbage":
        # Every text is on a request's timeline for operators, or (a lone "AVBRYT" from a
        # resident with no request ever) in the SMS log, where the gateway stored it.
        on_timeline = TimelineEvent.objects.filter(
            kind=TimelineEvent.Kind.SMS_IN, data__message_id=message.pk
        ).exists()
        assert on_timeline or not HelpRequest.objects.filter(resident__phone=phone).exists()
        assert on_timeline == (message.about is not None)


@fuzz
@given(digits=st.text(max_size=6), lang=st.text(max_size=4))
def test_any_keypress_ends_in_a_callback_request(client, digits, lang):
    url = public_url("/voice/need/?" + urlencode({"lang": lang}))
    params = {
        "From": landline(),
        "CallSid": "CA" + str(HelpRequest.objects.count()),
        "Digits": digits,
    }
    path = url[len(public_url("")) :]
    before = HelpRequest.objects.count()
    response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=twilio_signature(url, params))
    assert response.status_code == 200
    assert HelpRequest.objects.count() == before + 1
