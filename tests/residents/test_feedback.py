"""After "done, how was it?", a reply within the rating week is feedback on that request
(praise, a rating, a complaint, a remark) unless it clearly asks for something new: a kind of
need together with a word of asking that is not negated. A complaint reaches an operator."""

import pytest
from django.utils import timezone

from helpdesk import resident_texts as texts
from helpdesk.models import BoardEvent, HelpRequest, TimelineEvent
from helpdesk.offers import helprequest_assign, helprequest_done
from helpdesk.resident_reading import Conversation, Intent, resident_text_read
from matching.models import Offer
from tests.factories import helprequest_make, resident_make, volunteer_make

pytestmark = pytest.mark.django_db
K = HelpRequest.Kind
IN = TimelineEvent.Kind.SMS_IN

PRAISE, REMARK, COMPLAINT = "praise", "remark", "complaint"

# (language, reply, what it is: PRAISE, REMARK or COMPLAINT for feedback, a kind for a new ask)
REPLIES = [
    ("sv", "Tack så mycket, hon var jättesnäll!", PRAISE),
    ("sv", "Allt gick jättebra", PRAISE),
    ("sv", "Mycket trevligt samtal men han pratade för fort", PRAISE),
    ("sv", "Hon kom aldrig med brödet!", COMPLAINT),
    ("sv", "Bra men chauffören kom sent, behöver inte mer hjälp", COMPLAINT),
    ("sv", "Han kom inte", COMPLAINT),
    ("sv", "Det tog lång tid och hon var otrevlig", COMPLAINT),
    ("sv", "Han gick till apoteket också", REMARK),
    ("sv", "Jag behöver inte mer mat nu", REMARK),
    ("sv", "Tack! Kan ni handla åt mig igen på fredag?", K.GROCERIES),
    ("sv", "Kan någon hämta min medicin på apoteket?", K.PHARMACY),
    ("sv", "Jag behöver skjuts till vårdcentralen på måndag", K.TRANSPORT),
    ("sv", "Tack, men kan ni ringa mig i morgon?", K.CALLBACK),
    ("en", "Thank you, she was lovely", PRAISE),
    ("en", "All went well, great help", PRAISE),
    ("en", "Nice chat but he called a bit early", PRAISE),
    ("en", "She never came with the bread!", COMPLAINT),
    ("en", "Good but the driver was late, don't need more help", COMPLAINT),
    ("en", "The volunteer didn't come", COMPLAINT),
    ("en", "He was rude and forgot the milk", COMPLAINT),
    ("en", "He went to the pharmacy as well", REMARK),
    ("en", "I don't need any more shopping now", REMARK),
    ("en", "Thanks! Can you do my shopping again on Friday?", K.GROCERIES),
    ("en", "I need my medicine picked up from the pharmacy please", K.PHARMACY),
    ("en", "Could someone give me a ride to the clinic?", K.TRANSPORT),
    ("tr", "Çok teşekkür ederim, çok nazikti", PRAISE),
    ("tr", "Her şey güzeldi", PRAISE),
    ("tr", "Güzel sohbet ettik ama çok hızlı konuşuyordu", PRAISE),
    ("tr", "Ekmeği hiç getirmedi!", COMPLAINT),
    ("tr", "İyiydi ama şoför geç geldi, başka yardıma ihtiyacım yok", COMPLAINT),
    ("tr", "Gönüllü gelmedi", COMPLAINT),
    ("tr", "Çok kabaydı", COMPLAINT),
    ("tr", "Eczaneye de gitti", REMARK),
    ("tr", "Artık market alışverişine ihtiyacım yok", REMARK),
    ("tr", "Teşekkürler, cuma günü yine market alışverişi yapar mısınız lütfen?", K.GROCERIES),
    ("tr", "İlacımı eczaneden alabilir misiniz, yardım eder misiniz?", K.PHARMACY),
    ("tr", "Markete gitmek için yardıma ihtiyacım var", K.GROCERIES),
    ("fi", "Kiitos paljon, hän oli tosi ystävällinen", PRAISE),
    ("fi", "Kaikki meni hyvin", PRAISE),
    ("fi", "Mukava jutella mutta hän puhui liian nopeasti", PRAISE),
    ("fi", "Hän ei tullut koskaan leivän kanssa!", COMPLAINT),
    ("fi", "Hyvä mutta kuljettaja oli myöhässä, en tarvitse enää apua", COMPLAINT),
    ("fi", "Vapaaehtoinen ei tullut", COMPLAINT),
    ("fi", "Hän oli töykeä", COMPLAINT),
    ("fi", "Hän kävi myös apteekissa", REMARK),
    ("fi", "En tarvitse enää ruokaa", REMARK),
    ("fi", "Kiitos! Voisitteko käydä kaupassa taas perjantaina?", K.GROCERIES),
    ("fi", "Tarvitsen lääkkeet apteekista", K.PHARMACY),
    ("fi", "Voisitteko soittaa minulle huomenna?", K.CALLBACK),
    ("ar", "شكرا جزيلا، كانت لطيفة جدا", PRAISE),
    ("ar", "كل شيء كان ممتازا", PRAISE),
    ("ar", "الدواء كان صحيحا، شكرا", PRAISE),
    ("ar", "لم يأت بالخبز أبدا!", COMPLAINT),
    ("ar", "جيد لكن السائق تأخر، لا أحتاج مساعدة أخرى", COMPLAINT),
    ("ar", "المتطوع لم يحضر", COMPLAINT),
    ("ar", "كان وقحا", COMPLAINT),
    ("ar", "ذهب إلى الصيدلية أيضا", REMARK),
    ("ar", "لا أحتاج طعام الآن", REMARK),
    ("ar", "شكرا، ممكن تسوق مرة أخرى يوم الجمعة؟", K.GROCERIES),
    ("ar", "أحتاج دواء من الصيدلية", K.PHARMACY),
    ("ar", "من فضلك اتصلوا بي غدا", K.CALLBACK),
]
FEEDBACK = (PRAISE, REMARK, COMPLAINT)


def test_the_table_has_every_case_in_every_language():
    for language in ("sv", "en", "ar", "tr", "fi"):
        rows = [what for lang, _text, what in REPLIES if lang == language]
        assert len(rows) >= 10
        assert {PRAISE, REMARK, COMPLAINT} <= set(rows)
        assert set(rows) - set(FEEDBACK), "and clear new asks"


def done_by_a_volunteer(resident) -> HelpRequest:
    request = helprequest_make(resident=resident, language=resident.language)
    helprequest_assign(request=request, volunteer=volunteer_make(languages={resident.language}))
    helprequest_done(request=request)
    request.refresh_from_db()
    return request


@pytest.mark.parametrize("language, text, what", REPLIES)
def test_a_reply_after_done_is_feedback_unless_it_asks_for_something_new(
    sms_in, run_tasks, language, text, what
):
    volunteer_make(languages={language}, skills={k.value for k in K} - {K.REFERRAL.value})
    resident = resident_make(language=language)
    done = done_by_a_volunteer(resident)
    offers_before = Offer.objects.count()
    events_before = BoardEvent.objects.count()

    reply = sms_in(str(resident.phone), text)
    run_tasks()

    if what not in FEEDBACK:
        new = resident.requests.exclude(pk=done.pk).get()
        assert new.kind == what and new.code in reply
        return
    assert resident.requests.count() == 1, "feedback is never a new request"
    assert Offer.objects.count() == offers_before, "and never offered to anyone"
    event = done.timeline.filter(kind=IN).get()
    assert event.text == text and event.data["feedback"] is True
    complaint = what == COMPLAINT
    assert bool(event.data.get("complaint")) is complaint
    done.refresh_from_db()
    if complaint:
        assert reply == texts.text_complaint_thanks(done)
        # On the board today, with the complaint, so an operator sees it.
        published = BoardEvent.objects.filter(pk__gt=events_before, request=done)
        assert published.filter(event="complaint").exists()
        assert done.updated_at.date() == timezone.localdate()
        assert done.timeline.filter(kind=TimelineEvent.Kind.NOTE, data__complaint=True).exists()
    elif what == PRAISE:
        assert reply == texts.text_feedback_thanks(done)
    else:
        assert reply == texts.text_remark_thanks(done)


def test_the_complaint_reply_is_in_the_residents_language():
    english = texts.text_complaint_thanks(HelpRequest(language="en", code="1234"))
    assert "support line" in english
    for language in ("sv", "ar", "tr", "fi"):
        reply = texts.text_complaint_thanks(HelpRequest(language=language, code="1234"))
        assert reply != english, language
        remark = texts.text_remark_thanks(HelpRequest(language=language, code="1234"))
        assert remark != texts.text_remark_thanks(HelpRequest(language="en", code="1234"))


@pytest.mark.parametrize("language, text, what", REPLIES)
def test_without_done_how_was_it_the_same_texts_are_read_as_before(language, text, what):
    """The feedback reading holds only in the feedback window: with a request open a text joins
    it, and with nothing asked a text that names a need is a new request."""
    with_open = resident_text_read(text, conversation=Conversation(open_request=True))
    assert with_open in (Intent.FOLLOW_UP, Intent.CANCEL)
    if what not in FEEDBACK:
        assert resident_text_read(text, conversation=Conversation()) == Intent.NEW_REQUEST


AFTER_DONE = Conversation(awaiting_feedback=True, rateable=False)


@pytest.mark.parametrize(
    "text, intent",
    [
        # A negation holds in its own clause only.
        ("Behöver inte mer mat, men kan ni ringa mig", Intent.NEW_REQUEST),
        ("I don't need food, but can you call me tomorrow", Intent.NEW_REQUEST),
        # Help asked for without a kind: a new request an operator reads.
        ("tack, men kan ni hjälpa mig igen", Intent.NEW_REQUEST),
        ("kiitos, mutta tarvitsen apua", Intent.NEW_REQUEST),
        # Only a need.
        ("apotek", Intent.NEW_REQUEST),
        ("handla mat", Intent.NEW_REQUEST),
        ("ring mig", Intent.NEW_REQUEST),
        # Need words and kind words that ask for nothing.
        ("tack för hjälp med handlingen", Intent.FEEDBACK),
        ("hon hjälpte mig, kan ni tacka henne", Intent.FEEDBACK),
        ("ni är så snälla, tack för maten", Intent.FEEDBACK),
        ("you were so helpful with the shopping", Intent.FEEDBACK),
        ("ok", Intent.FEEDBACK),
    ],
)
def test_what_a_reply_after_done_is(text, intent):
    assert resident_text_read(text, conversation=AFTER_DONE) == intent


@pytest.mark.parametrize("language, text, what", REPLIES)
def test_the_table_read_after_done(language, text, what):
    expected = Intent.FEEDBACK if what in FEEDBACK else Intent.NEW_REQUEST
    assert resident_text_read(text, conversation=AFTER_DONE) == expected
