"""The safe-callback note of a referral is the operator's, or the resident's answer to "when is
a good time to call, and may we leave a message?". Every other text of the resident goes to the
referral's timeline only, and nothing the resident writes replaces what an operator wrote."""

import pytest

from helpdesk.models import HelpRequest, TimelineEvent
from helpdesk.services import helprequest_create
from tests.factories import resident_make

pytestmark = pytest.mark.django_db
IN = TimelineEvent.Kind.SMS_IN
NOTE_MAX = HelpRequest._meta.get_field("safe_callback_note").max_length

# (language, text, whether it answers when or how it is safe to call)
TEXTS = [
    ("sv", "kan ni handla mat åt mig imorgon?", False),
    ("sv", "tack", False),
    ("sv", "apotek", False),
    ("sv", "kan ni komma i kväll med maten", False),
    ("sv", "ring efter 14", True),
    ("sv", "Ring inte på kvällen", True),
    ("sv", "lämna inget meddelande", True),
    ("sv", "efter 15 är jag ensam hemma", True),
    ("sv", "säkrast mellan 10 och 12", True),
    ("sv", "ring mig på förmiddagen", True),
    ("en", "can you get my medicine?", False),
    ("en", "thank you", False),
    ("en", "call after 3pm", True),
    ("en", "don't call in the evening", True),
    ("en", "no message please", True),
    ("en", "at 14:30 is fine", True),
    ("tr", "market alışverişi lazım", False),
    ("tr", "teşekkürler", False),
    ("tr", "saat 14'ten sonra", True),
    ("tr", "akşam aramayın", True),
    ("tr", "mesaj bırakmayın", True),
    ("fi", "tarvitsen ruokaa", False),
    ("fi", "kiitos", False),
    ("fi", "soita vasta klo 14 jälkeen", True),
    ("fi", "älä soita illalla", True),
    ("fi", "älä jätä viestiä", True),
    ("ar", "أحتاج دواء", False),
    ("ar", "شكرا", False),
    ("ar", "اتصلوا بعد الساعة ٢", True),
    ("ar", "لا تتصلوا في المساء", True),
    ("ar", "لا تتركوا رسالة", True),
]


def referral_of(resident, note: str = "") -> HelpRequest:
    return helprequest_create(
        resident=resident,
        kind=HelpRequest.Kind.REFERRAL,
        channel=HelpRequest.Channel.SMS,
        urgency=HelpRequest.Urgency.URGENT,
        safe_callback_note=note,
    )


@pytest.mark.parametrize("language, text, about_calling", TEXTS)
def test_only_an_answer_about_calling_goes_to_the_safe_callback_note(
    sms_in, language, text, about_calling
):
    resident = resident_make(language=language)
    referral = referral_of(resident)

    sms_in(str(resident.phone), text)

    referral.refresh_from_db()
    assert referral.timeline.filter(kind=IN, text=text).exists(), "always on the timeline"
    assert resident.requests.count() == 1
    if about_calling:
        assert referral.safe_callback_note == text
    else:
        assert referral.safe_callback_note == "", "the card keeps 'leave no message'"


@pytest.mark.parametrize("language, text, about_calling", TEXTS)
def test_what_an_operator_wrote_is_never_replaced(sms_in, language, text, about_calling):
    resident = resident_make(language=language)
    written = "Ring vardagar 10–12. Lämna inget meddelande. " + "x" * (NOTE_MAX - 60)
    referral = referral_of(resident, note=written)

    sms_in(str(resident.phone), text)
    sms_in(str(resident.phone), text)

    referral.refresh_from_db()
    assert referral.safe_callback_note.startswith(written)
    assert len(referral.safe_callback_note) <= NOTE_MAX
    if not about_calling:
        assert referral.safe_callback_note == written


def test_after_a_danger_text_the_next_ordinary_text_leaves_the_note_alone(sms_in):
    resident = resident_make()
    sms_in(str(resident.phone), "han slår mig")
    (referral,) = resident.requests.all()
    sms_in(str(resident.phone), "kan ni handla mat åt mig imorgon?")
    referral.refresh_from_db()
    assert referral.safe_callback_note == ""
    sms_in(str(resident.phone), "Ring efter 14, lämna inget meddelande")
    sms_in(str(resident.phone), "och handla mjölk")
    referral.refresh_from_db()
    assert referral.safe_callback_note == "Ring efter 14, lämna inget meddelande"
