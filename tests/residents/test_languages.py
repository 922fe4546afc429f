import pytest

from helpdesk.languages import language_guess, text_fold
from helpdesk.models import HelpRequest
from helpdesk.resident_sms import cancel_read, kinds_read, rating_read

K = HelpRequest.Kind


def test_folding_ignores_case_diacritics_punctuation_and_bidi_marks():
    assert text_fold("  ÅNGRA!!  Dövüyor… ") == "angra dovuyor"
    assert text_fold("\u200fإلغاء\u200e ٤٨٢١") == text_fold("الغاء 4821")
    assert text_fold("İPTAL") == text_fold("iptal") == "iptal"
    assert text_fold("صيدلية") == text_fold("صيدليه")


@pytest.mark.parametrize(
    "text, kind",
    [
        # sv
        ("Kan ni HANDLA åt mig?", K.GROCERIES),
        ("behöver mat", K.GROCERIES),
        ("Hämta medicin på apoteket", K.PHARMACY),
        ("ring mig", K.CALLBACK),
        # en
        ("I need groceries", K.GROCERIES),
        ("pick up my prescription at the pharmacy", K.PHARMACY),
        ("please CALL me", K.CALLBACK),
        # tr
        ("alışveriş lazım", K.GROCERIES),
        ("alisveris lazim", K.GROCERIES),
        ("market", K.GROCERIES),
        ("eczaneden ilaç", K.PHARMACY),
        ("ILAC", K.PHARMACY),
        ("beni ara", K.CALLBACK),
        # fi
        ("tarvitsen ruokaa kaupasta", K.GROCERIES),
        ("KAUPPA", K.GROCERIES),
        ("apteekista lääkkeet", K.PHARMACY),
        ("laake", K.PHARMACY),
        ("soittakaa minulle", K.CALLBACK),
        # ar
        ("أحتاج بقالة", K.GROCERIES),
        ("طعام من فضلك", K.GROCERIES),
        ("صيدلية", K.PHARMACY),
        ("أحتاج دواء", K.PHARMACY),
        ("اتصل بي", K.CALLBACK),
        ("اتصلوا بي", K.CALLBACK),
        # other kinds
        ("jag är så ensam", K.PHONE_FRIEND),
        ("behöver skjuts till vårdcentralen", K.TRANSPORT),
    ],
)
def test_kind_keywords_in_five_languages(text, kind):
    assert kinds_read(text)[0] == kind


@pytest.mark.parametrize("text", ["hej", "hello?", "🙂", "", "1234", "merhaba", "moi"])
def test_unclear_texts_name_no_kind(text):
    assert kinds_read(text) == []


def test_several_needs_are_all_read_the_most_specific_first():
    assert kinds_read("handla mat och hämta medicin") == [K.PHARMACY, K.GROCERIES]


@pytest.mark.parametrize(
    "text, language",
    [
        ("Hej, jag behöver hjälp att handla", "sv"),
        ("Hello, I need help with shopping please", "en"),
        ("مرحبا أحتاج مساعدة", "ar"),
        ("Merhaba, alışveriş için yardım lütfen", "tr"),
        ("Hei, tarvitsen apua kaupassa, kiitos", "fi"),
        ("hej behover hjalp", "sv"),
    ],
)
def test_language_is_guessed_from_script_and_keywords(text, language):
    assert language_guess(text) == language


@pytest.mark.parametrize("text", ["", "4821", "ok", "?!"])
def test_no_guess_when_nothing_points_anywhere(text):
    assert language_guess(text) is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("AVBRYT 4821", "4821"),
        ("avbryt #4821!", "4821"),
        ("Ångra 4821", "4821"),
        ("ABORT 4821", "4821"),
        ("İPTAL 4821", "4821"),
        ("iptal 4821", "4821"),
        ("PERUUTA 4821", "4821"),
        ("إلغاء ٤٨٢١", "4821"),
        ("\u200fإلغاء 4821\u200f", "4821"),
        ("avbryt", ""),
    ],
)
def test_cancel_words_in_five_languages(text, code):
    assert cancel_read(text) == (True, code)


@pytest.mark.parametrize(
    "text",
    ["CANCEL 4821", "STOP", "jag ville avbryta men sen kom jag på att jag behöver mat", "4821"],
)
def test_reserved_words_and_stories_are_not_cancellations(text):
    assert cancel_read(text)[0] is False


@pytest.mark.parametrize(
    "text, parsed",
    [("5", (5, "")), (" 1 ", (1, "")), ("4 4821", (4, "4821")), ("4821 3", (3, "4821"))],
)
def test_ratings(text, parsed):
    assert rating_read(text) == parsed


@pytest.mark.parametrize("text", ["0", "6", "10", "five", "4821", "1 2 3"])
def test_not_ratings(text):
    assert rating_read(text) is None


def test_arabic_digits_rate_too():
    assert rating_read("٥") == (5, "")
