import pytest
from django.utils.translation import gettext

from notifications.bodies import (
    sms_assert_fits,
    sms_clean,
    sms_encoding,
    sms_render,
    sms_segments,
)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # two septets each
        ("€" * 81, 2),
        ("a" * 159 + "€", 2),
        # 306 septets would fit two parts, but the escape is never split across them
        ("a" * 152 + "€" + "a" * 152, 3),
        ("ش" * 70, 1),
        ("ş" * 71, 2),
        ("ş" * 134, 2),
        ("ş" * 135, 3),
        ("😀" * 35, 1),  # surrogate pairs: two UTF-16 units each
        ("😀" * 36, 2),
    ],
)
def test_segments_count_the_way_handsets_join_them(text, segments):
    assert sms_segments(text) == segments


def test_swedish_and_finnish_letters_stay_gsm7():
    assert sms_encoding("Åsa, Örjan och Märta hämtar på tisdag. Kiitos, Pääsky!") == "GSM-7"
    assert sms_encoding("Merhaba, yarın geliyorum") == "UCS-2"  # ı is not in GSM-7


def test_lookalike_punctuation_is_replaced_so_a_message_stays_gsm7():
    text = "Hej\u00a0Anna – vi ”kommer” kl\u202f14 … ‘ok’"
    assert sms_encoding(text) == "UCS-2"
    cleaned = sms_clean(text)
    assert cleaned == "Hej Anna - vi \"kommer\" kl 14 ... 'ok'"
    assert sms_encoding(cleaned) == "GSM-7"


def test_render_uses_the_recipients_language():
    assert sms_render("sv", lambda: gettext("Swedish")) == "Svenska"
    assert sms_render("en", lambda: gettext("Swedish")) == "Swedish"
    assert sms_render("en", lambda name: f"Hi\u00a0{name}", name="Ali") == "Hi Ali"


def test_assert_fits_reports_the_figures():
    sms_assert_fits("a" * 306)
    with pytest.raises(AssertionError, match="3 segments .GSM-7, 307 units"):
        sms_assert_fits("a" * 307)
