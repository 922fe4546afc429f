"""No personal data in the logs. One mask, `personal_data_mask`, for every log line: the
logging filter on every handler (our code, Django's request log, a library's exception) and
daphne's access log, which writes straight to a stream past the logging system.

Phone numbers are recognised in every way people and browsers write them: +46 70 174 06 85,
0701740685, 070-174 06 85, 46701740685, and in query strings 070-174+06+85 (a form's spaces),
070%20174%2006%2085 and %2B46701740685. The access log also hides every query-string value
that holds letters, so a name or an address typed into a search box is never written down.
"""

import logging
import re
from urllib.parse import unquote

# What may stand between the digit groups of a number: a space, a dash, a plus (a space in a
# query string) or their percent-escapes.
SEPARATOR = r"(?:[ \-+]|%20|%2[bB]|%2[dD])"
NUMBER = re.compile(
    rf"(?<!\w)(?P<lead>\+|%2[bB]|00)?(?P<number>\d(?:{SEPARATOR}{{0,3}}\d){{6,16}})(?!\w)"
)
QUERY_VALUE = re.compile(r"(?P<key>[?&][^=&#\s\"]*=)(?P<value>[^&#\s\"]*)")
LETTER = re.compile(r"[^\W\d_]")


def _digits(number: str) -> str:
    return re.sub(r"\D", "", re.sub(r"%2[0bBdD]", "", number))


def _is_phone(lead: str, number: str) -> bool:
    digits = _digits(number)
    if lead:
        return 7 <= len(digits) <= 15  # international: +46..., %2B46..., 0046...
    if number.startswith("0"):
        return 8 <= len(digits) <= 11  # Swedish national: 070-174 06 85, 08-465 004 00
    # Written without any lead or separator: 46701740685, 701740685. Dates and times have
    # separators and are kept; a long bare id is masked too, which costs nothing.
    return number.isdigit() and 9 <= len(digits) <= 15


def _mask_number(match: re.Match) -> str:
    lead, number = match["lead"] or "", match["number"]
    if not _is_phone(lead, number):
        # Not a number as a whole ("status 200 0701740685"): look again from its next group.
        parts = re.split(f"({SEPARATOR}+)", match[0], maxsplit=1)
        if len(parts) < 3:
            return match[0]
        head, separator, rest = parts
        return head + separator + personal_data_mask(rest)
    digits = _digits(number)
    return f"{lead}{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"


def personal_data_mask(text: str) -> str:
    """`text` with every phone number in it masked to its first and last two digits."""
    return NUMBER.sub(_mask_number, text)


def _query_value_mask(match: re.Match) -> str:
    value = unquote(match["value"].replace("+", " "))
    if LETTER.search(value):
        return match["key"] + "*"  # free text: a name, an address, a search
    return match["key"] + personal_data_mask(match["value"])


def request_line_mask(line: str) -> str:
    """An access-log request line (`GET /path?query`): percent-escapes decoded in the path so
    %2B46... reads as the number it is, query values with letters hidden, numbers masked."""
    path, _sep, query = line.partition("?")
    masked = personal_data_mask(unquote(path))
    if query:
        masked += personal_data_mask(QUERY_VALUE.sub(_query_value_mask, "?" + query))
    return masked


class MaskPersonalData(logging.Filter):
    """On every handler (settings.LOGGING): masks the message, its arguments and the text
    of any exception before a formatter sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = personal_data_mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = personal_data_mask(record.exc_text)
        if record.stack_info:
            record.stack_info = personal_data_mask(record.stack_info)
        return True


def access_log_masking_install() -> None:
    """Daphne writes its access log (paths with their query strings) straight to a stream,
    past the logging filters; run its request lines through the same mask."""
    try:
        from daphne.access import AccessLogGenerator
    except ImportError:
        return
    if getattr(AccessLogGenerator.write_entry, "masks_personal_data", False):
        return
    write_entry = AccessLogGenerator.write_entry

    def masked_write_entry(self, host, date, request, *args, **kwargs):
        return write_entry(self, host, date, request_line_mask(str(request)), *args, **kwargs)

    masked_write_entry.masks_personal_data = True
    AccessLogGenerator.write_entry = masked_write_entry
