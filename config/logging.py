"""Phone numbers never reach the logs in clear: this filter masks anything that looks like
one, whatever logged it (our code, Django's request log, a library's exception)."""

import logging
import re

PHONE = re.compile(r"(?<![\w/])(\+|%2B|00)(\d[\d \-]{6,16}\d)")
# Swedish mobiles in national format: 070-123 45 67, 0701234567.
NATIONAL_MOBILE = re.compile(r"(?<![\w/])()(07\d(?:[ \-]?\d){7})(?!\d)")


def _mask(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(2))
    return f"{match.group(1)}{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"


class MaskPhoneNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = NATIONAL_MOBILE.sub(_mask, PHONE.sub(_mask, message))
        if masked != message:
            record.msg, record.args = masked, None
        return True
