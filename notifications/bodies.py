"""SMS bodies: rendered per language through Django i18n, cleaned of characters that would
push a Latin-script message into UCS-2, and measured in segments.

A GSM-7 message carries 160 characters in one segment and 153 per segment when split; one
character outside GSM-7 turns the whole message into UCS-2, with 70 and 67. A curly quote
pasted from a word processor thus doubles what a message costs and how often it splits.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Each of these costs two septets (an escape, then the character).
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

# Look-alikes that force UCS-2, and their GSM-7 stand-ins. Letters are never touched: only
# spacing and punctuation, so the meaning of a message never changes.
REPLACEMENTS = {
    "\u00a0": " ",  # no-break space
    "\u2002": " ",
    "\u2003": " ",
    "\u2007": " ",  # figure space
    "\u2008": " ",
    "\u2009": " ",  # thin space
    "\u200a": " ",
    "\u202f": " ",  # narrow no-break space (French and Swedish typography)
    "\t": " ",
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\ufeff": "",  # byte-order mark
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",
    "\u2212": "-",  # minus sign
    "\u2026": "...",
}
_TABLE = str.maketrans(REPLACEMENTS)

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


def sms_clean(text: str) -> str:
    """Replace look-alike spacing and punctuation with GSM-7 characters; strip the ends."""
    return str(text).translate(_TABLE).strip()


def sms_is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_encoding(text: str) -> str:
    """ "GSM-7" or "UCS-2": what a handset and Twilio will use for `text`."""
    return "GSM-7" if sms_is_gsm7(text) else "UCS-2"


def _units(text: str) -> tuple[list[int], int, int]:
    """Per-character cost, and the single and multipart segment sizes, in the encoding's units
    (septets for GSM-7, UTF-16 code units for UCS-2)."""
    if sms_is_gsm7(text):
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text], GSM7_SINGLE, GSM7_MULTI
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text], UCS2_SINGLE, UCS2_MULTI


def sms_segments(text: str) -> int:
    """How many segments `text` takes. An escaped GSM-7 character or a surrogate pair is never
    split across two segments, so this counts the way the handset concatenates."""
    costs, single, multi = _units(text)
    if sum(costs) <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, 0
        used += cost
    return segments


def sms_fits(text: str, segments: int = 2) -> bool:
    return sms_segments(text) <= segments


def sms_assert_fits(text: str, segments: int = 2) -> None:
    """For tests: fail with the figures when `text` needs more than `segments` segments."""
    used = sms_segments(text)
    if used > segments:
        costs, _single, _multi = _units(text)
        raise AssertionError(
            f"{used} segments ({sms_encoding(text)}, {sum(costs)} units, {len(text)} characters)"
            f", more than {segments}: {text!r}"
        )


def sms_render(
    language: str, template_or_callable: str | Callable[..., str], /, **context: Any
) -> str:
    """An SMS body in `language`: a template name rendered with `context`, or a callable
    called with it (typically one that uses gettext). The result is cleaned for GSM-7."""
    with translation.override(language or settings.LANGUAGE_CODE):
        if callable(template_or_callable):
            text = template_or_callable(**context)
        else:
            text = render_to_string(template_or_callable, context)
    return sms_clean(text)
