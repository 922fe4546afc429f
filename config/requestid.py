"""A request id on every log line and error report, JSON log lines, and Sentry with the mask.

RequestIdMiddleware takes the proxy's X-Request-ID (nginx's $request_id) when it is a plain
token, else makes one, keeps it for the request's log lines and sends it back in the
response, so one id joins the proxy's access log, our lines and an error report.

sentry_init sends error reports only after before_send has run every string of the event
(message, exception values, stack-frame variables, breadcrumbs, request data) through
config.logging's personal_data_mask: a phone number never leaves the machine.
"""

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from .logging import MaskPersonalData, personal_data_mask, request_line_mask

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
ACCEPTED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        rid = sent if ACCEPTED_ID.fullmatch(sent) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django's own request lines ("Not Found: ...") are written after the middleware has
        # returned, with the request attached.
        record.request_id = getattr(getattr(record, "request", None), "request_id", "") or (
            request_id.get()
        )
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def event_mask(value: Any) -> Any:
    """`value` with every string in it, keys too, masked; structure kept."""
    if isinstance(value, str):
        return personal_data_mask(value)
    if isinstance(value, dict):
        return {event_mask(k): event_mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [event_mask(v) for v in value]
    if isinstance(value, bytes):
        return personal_data_mask(value.decode("utf-8", "replace"))
    if hasattr(value, "value") and hasattr(value, "metadata"):
        # sentry-sdk's AnnotatedValue (a value it trimmed): keep what it says, masked.
        value.value = event_mask(value.value)
    return value


FILTERED = "[Filtered]"


def request_scrub(request: dict) -> dict:
    """What an error report tells of the request: the method, the path and the query as the
    access log writes them (free text hidden), and headers without cookies. Never the body
    (a resident's name and address in a form) nor the cookies."""
    scrubbed = dict(request)
    if "data" in scrubbed:
        scrubbed["data"] = FILTERED
    scrubbed.pop("cookies", None)
    query = scrubbed.get("query_string")
    if isinstance(query, str) and query:
        scrubbed["query_string"] = request_line_mask("GET /?" + query).partition("?")[2]
    headers = scrubbed.get("headers")
    if isinstance(headers, dict):
        scrubbed["headers"] = {
            k: v for k, v in headers.items() if k.lower() not in {"cookie", "authorization"}
        }
    return scrubbed


def before_send(event: dict, hint: dict) -> dict | None:
    # sentry-sdk sends the event unchanged when this raises, so an event that cannot be
    # masked is dropped instead: an unreported error is better than a leaked number.
    try:
        if isinstance(event.get("request"), dict):
            event = {**event, "request": request_scrub(event["request"])}
        masked = event_mask(event)
    except Exception:  # noqa: BLE001
        logging.getLogger(__name__).exception("an error report could not be masked: dropped")
        return None
    rid = request_id.get()
    if rid:
        masked.setdefault("tags", {})["request_id"] = rid
    return masked


def sentry_init(*, dsn: str, environment: str = "production", **options: Any) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        # sentry-sdk's default sends no user names, addresses or cookies; left so on purpose.
        # Nor the values of a frame's variables: a request's body, a resident being saved.
        include_local_variables=False,
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=before_send,
        integrations=[
            DjangoIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        **options,
    )
    sentry_logging_mask()


def sentry_logging_mask() -> None:
    """sentry-sdk gives its own logger a handler of its own (stderr, for its debug mode) as
    soon as it is imported: it masks like every other handler."""
    for handler in logging.getLogger("sentry_sdk.errors").handlers:
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())
