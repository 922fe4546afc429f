"""Phone numbers never reach the logs in clear: this filter masks anything that looks like
one, whatever logged it (our code, Django's request log, a library's exception)."""

import logging
import re
from urllib.parse import unquote

PHONE = re.compile(r"(?<![\w/])(\+|%2B|00)(\d[\d \-]{6,16}\d)")
# Swedish mobiles in national format: 070-123 45 67, 0701234567.
NATIONAL_MOBILE = re.compile(r"(?<![\w/])()(07\d(?:[ \-]?\d){7})(?!\d)")


def _mask(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(2))
    return f"{match.group(1)}{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"


class MaskPhoneNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = phone_mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def phone_mask_text(text: str) -> str:
    return NATIONAL_MOBILE.sub(_mask, PHONE.sub(_mask, text))


def access_log_masking_install() -> None:
    """Daphne writes its access log (paths with their query strings, such as ?phone=) straight
    to a stream, past the logging filters; mask phone numbers there too."""
    try:
        from daphne.access import AccessLogGenerator
    except ImportError:
        return
    if getattr(AccessLogGenerator.write_entry, "masks_phones", False):
        return
    write_entry = AccessLogGenerator.write_entry

    def masked_write_entry(self, host, date, request, *args, **kwargs):
        # Decoded first, so %2B46... and 070%20174... are recognised as the numbers they are.
        request = phone_mask_text(unquote(str(request)))
        return write_entry(self, host, date, request, *args, **kwargs)

    masked_write_entry.masks_phones = True
    AccessLogGenerator.write_entry = masked_write_entry
