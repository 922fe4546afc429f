"""No personal data in the logs. One mask, `personal_data_mask`, for every log line: the
logging filter on every handler (our code, Django's request log, a library's exception) and
daphne's access log, which writes straight to a stream past the logging system.

Phone numbers are recognised in every way people, forms and browsers write them: with any
separator between the digit groups (spaces, a form's `+`, dots, every kind of dash, slashes,
parentheses, `(0)` after the country code), with a lead of `+` or `00`, in any script's digits
(Arabic-Indic, Persian, full-width) and percent-encoded (`%2B46...`, `%D9%A0%D9%A7...`): a log
line is decoded and its digits normalised before it is searched, since it never needs the
encoded original. Dates, times, ids, durations, status codes and addresses of machines are
kept: they are not numbers of the lengths and shapes a phone has.

The access log also hides every query-string value that holds letters, so a name or an address
typed into a search box is never written down; for a path that was not found it hides every
segment whose words are not a route's own (`/nope/Anna Andersson/` becomes `/*/*/`).
"""

import functools
import json
import logging
import os
import re
import unicodedata
from urllib.parse import unquote

# What may stand between the digit groups of a number: white space, a plus (a space in a
# query string), a dot, a slash, parentheses (`(070)`, `+46 (0)70`) and every dash.
SEPARATOR = r"[^\S\r\n]|[+./()\-\u2010-\u2015\u2212]"
NUMBER = re.compile(
    rf"(?<!\w)(?P<lead>\+|00)?(?P<number>\d(?:(?:{SEPARATOR}){{0,3}}\d){{6,16}})(?!\w)",
    re.ASCII,
)
SEPARATORS = re.compile(f"(?:{SEPARATOR})+")
# A date written with dots, dashes or slashes (23.11.2026, 2026-11-23, 01/02/26): kept even
# where its digits would make a Swedish national number.
DATE = re.compile(
    r"(?:(?:0?[1-9]|[12]\d|3[01])(?P<s1>[./\-])(?:0?[1-9]|1[0-2])(?P=s1)(?:\d{4}|\d{2})"
    r"|\d{4}(?P<s2>[./\-])(?:0?[1-9]|1[0-2])(?P=s2)(?:0?[1-9]|[12]\d|3[01]))(?!\d)",
    re.ASCII,
)
ANY_DIGIT = re.compile(r"\d")
ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")
LETTER = re.compile(r"[^\W\d_]")
WORD = re.compile(r"[^\W\d_]+")


def _ascii_digit(match: re.Match) -> str:
    return str(unicodedata.decimal(match[0]))


def _unescaped_digit(match: re.Match) -> str:
    char = chr(int(match[1] or match[2], 16))
    # Only digits and separators: other escapes (a newline) keep guarding against forged lines.
    return char if char.isdecimal() or re.fullmatch(SEPARATOR, char) else match[0]


def text_normalise(text: str) -> str:
    """`text` as the mask reads it: percent-escapes decoded, Python escapes of digits decoded
    (Django writes a path as `/requests/\\u0660\\u0667...`), full-width forms (０７０, ＋, －)
    folded, every script's digits written as 0-9."""
    text = ESCAPE.sub(_unescaped_digit, unquote(text))
    if text.isascii():
        return text
    return ANY_DIGIT.sub(_ascii_digit, unicodedata.normalize("NFKC", text))


def _is_phone(lead: str, number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    if lead:
        return 7 <= len(digits) <= 15  # international: +46..., 0046...
    if number.startswith("0"):
        return 8 <= len(digits) <= 11  # Swedish national: 070-174 06 85, 08-465 004 00
    if digits.startswith("46") and 10 <= len(digits) <= 12:
        return True  # E.164 without its plus: 46 70 174 06 85, 46 (0)70-174 06 85
    # Written without any lead or separator: 46701740685, 701740685. Dates, times and
    # addresses of machines have separators and are kept; a long bare id is masked too,
    # which costs nothing.
    return number.isdigit() and 9 <= len(digits) <= 15


def _masked(lead: str, number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return f"{lead}{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"


def _starts_a_phone(text: str, position: int) -> bool:
    """Whether a phone number begins at `position`, after nothing but separators."""
    after = NUMBER.search(text, position)
    if after is None or SEPARATORS.fullmatch(text[position : after.start()] or " ") is None:
        return False
    return _is_phone(after["lead"] or "", after["number"])


def _mask_at(match: re.Match, text: str) -> tuple[str, int]:
    """What the start of `match` becomes, and how many of its characters that covers; the
    scan goes on from there, so a number the match ran into is read afresh."""
    lead, number = match["lead"] or "", match["number"]
    date = DATE.match(number) if not lead else None
    if date:
        return date[0], len(date[0])  # a date is kept; what follows is read again
    # Two numbers may run together ("+46701740685 (070-174 06 85)"): a first part that is one
    # and is followed by another is masked alone, and the scan reads the other afresh.
    start = match.start("number")
    cuts = [m.start() for m in SEPARATORS.finditer(number)]
    heads = [c for c in reversed(cuts) if _is_phone(lead, number[:c])]
    heads = [c for c in heads if lead or not DATE.match(number[:c])]
    for cut in heads:
        if _starts_a_phone(text, start + cut):
            return _masked(lead, number[:cut]), len(lead) + cut
    if _is_phone(lead, number):
        return _masked(lead, number), len(match[0])
    # Not a number as a whole: the longest first part that is one, else ("status 200
    # 0701740685") the scan looks again from the next group.
    if heads:
        return _masked(lead, number[: heads[0]]), len(lead) + heads[0]
    if not cuts:
        return match[0], len(match[0])
    first = SEPARATORS.search(number)
    return lead + number[: first.end()], len(lead) + first.end()


def _mask(text: str) -> str:
    out, position = [], 0
    while match := NUMBER.search(text, position):
        replaced, covered = _mask_at(match, text)
        out += [text[position : match.start()], replaced]
        position = match.start() + covered
    out.append(text[position:])
    return "".join(out)


def personal_data_mask(text: str) -> str:
    """`text` with every phone number in it masked to its first and last two digits."""
    return _mask(text_normalise(text))


@functools.cache
def route_words() -> frozenset[str]:
    """The literal words of every route (`requests`, `partners`, `tasks`, `admin`, ...): what
    a path segment may say and still be logged as it is."""
    try:
        from django.urls import get_resolver

        patterns = list(get_resolver().url_patterns)
    except Exception:  # noqa: BLE001 (no URLconf: every word is hidden, which is safe)
        return frozenset()
    words: set[str] = set()
    while patterns:
        pattern = patterns.pop()
        # Converters and group names (`<int:pk>`, `(?P<app_label>`) are not literal words.
        words.update(WORD.findall(re.sub(r"<[^>]*>", "", str(pattern.pattern))))
        patterns.extend(getattr(pattern, "url_patterns", []))
    return frozenset(words)


def _segment_mask(segment: str) -> str:
    if all(word in route_words() for word in WORD.findall(segment)):
        return segment
    return "*"  # a name, an address or other free text typed into the URL


def not_found_path_mask(path: str) -> str:
    """A path that matched no route, with each segment that is not a route's own words hidden
    (`/nope/Anna Andersson/Lännavägen` becomes `/*/*/*`) and numbers masked."""
    # Numbers first, on the whole path: a number may be written across segments (070/174 06 85).
    return "/".join(_segment_mask(s) for s in personal_data_mask(path).split("/"))


def _query_item_mask(item: str) -> str:
    key, equals, value = item.partition("=")
    if not equals:
        key, value = "", key
    key, value = text_normalise(key.replace("+", " ")), text_normalise(value.replace("+", " "))
    if LETTER.search(value):
        value = "*"  # free text: a name, an address, a search
    return _mask(key) + equals + _mask(value)


def request_line_mask(line: str, status: int | str | None = None) -> str:
    """An access-log request line (`GET /path?query`): decoded, query values with letters
    hidden, a path not found (404) hidden but for its route words, numbers masked."""
    path, question, query = line.partition("?")
    method, space, path = path.partition(" ") if " " in path else ("", "", path)
    if str(status) == "404":
        masked = method + space + not_found_path_mask(path)
    else:
        masked = personal_data_mask(method + space + path)
    if question:
        masked += "?" + "&".join(_query_item_mask(item) for item in query.split("&"))
    return masked


class MaskPersonalData(logging.Filter):
    """On every handler (settings.LOGGING): masks the message, its arguments and the text
    of any exception before a formatter sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) == 404 and hasattr(request, "path"):
            # Django's "Not Found: /path": the path as the access log shows it.
            # Django escapes what is not ASCII in it (`L\\xe4nnav\\xe4gen`).
            escaped = request.path.encode("unicode_escape").decode("ascii")
            for path in {request.path, escaped}:
                message = message.replace(path, not_found_path_mask(request.path))
        masked = personal_data_mask(message)
        if masked != record.getMessage():
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

    def masked_write_entry(self, host, date, request, status=None, length=None, *args, **kw):
        request = request_line_mask(str(request), status)
        if os.getenv("LOG_FORMAT") == "json":
            # One JSON object a line, as every other log line then is.
            entry = {
                "time": date.strftime("%Y-%m-%dT%H:%M:%S"),
                "level": "INFO",
                "logger": "daphne.access",
                "message": f'{personal_data_mask(str(host))} "{request}" {status or "-"}',
                "client": personal_data_mask(str(host)),
                "request": request,
                "status": status,
                "length": length,
            }
            self.stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
            return None
        return write_entry(self, host, date, request, status, length, *args, **kw)

    masked_write_entry.masks_personal_data = True
    AccessLogGenerator.write_entry = masked_write_entry
