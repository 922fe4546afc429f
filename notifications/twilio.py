"""The Twilio backend: the SDK's messages.create, with Twilio's errors sorted into
retry / permanent / opted out.

The SDK talks through an HTTP client that can be injected (the `http_client` argument or the
TWILIO_HTTP_CLIENT setting: an instance or a dotted path), so tests and the contract test send
through the real SDK to a fake or to a Prism mock of Twilio's API.
"""

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from .backends import BaseBackend, SendError, SendResult
from .models import Message
from .webhooks import public_url

# https://www.twilio.com/docs/api/errors
OPTED_OUT_CODES = {21610}  # "Attempt to send to unsubscribed recipient"
INVALID_NUMBER_CODES = {21211, 21614}  # invalid 'To'; 'To' is not a mobile number
RATE_LIMIT_CODES = {20429}  # too many requests

# Twilio's MessageStatus values, mapped onto ours. Everything Twilio holds but has not yet
# handed to a carrier counts as sent: we are done with it until a callback says more.
TWILIO_STATUS = {
    "accepted": Message.Status.SENT,
    "scheduled": Message.Status.SENT,
    "queued": Message.Status.SENT,
    "sending": Message.Status.SENT,
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "read": Message.Status.DELIVERED,
    "partially_delivered": Message.Status.DELIVERED,
    "undelivered": Message.Status.UNDELIVERED,
    "failed": Message.Status.FAILED,
    "canceled": Message.Status.FAILED,
}


def http_client_default() -> HttpClient:
    configured = getattr(settings, "TWILIO_HTTP_CLIENT", None)
    if isinstance(configured, HttpClient):
        return configured
    if configured:
        return import_string(configured)()
    return TwilioHttpClient(timeout=getattr(settings, "SMS_HTTP_TIMEOUT", 10))


def send_error_classify(exc: Exception) -> SendError:
    if isinstance(exc, TwilioRestException):
        code = int(exc.code or 0)
        status = int(exc.status or 0)
        text = exc.msg or str(exc)
        if code in OPTED_OUT_CODES:
            return SendError(SendError.OPTED_OUT, str(code), text)
        if code in INVALID_NUMBER_CODES:
            return SendError(SendError.PERMANENT, str(code), text)
        if code in RATE_LIMIT_CODES or status == 429 or status >= 500:
            return SendError(SendError.RETRY, str(code or status), text)
        return SendError(SendError.PERMANENT, str(code or status), text)
    if isinstance(exc, requests.Timeout):
        return SendError(SendError.RETRY, "timeout", str(exc) or "timed out")
    if isinstance(exc, requests.RequestException | OSError | TwilioException):
        return SendError(SendError.RETRY, "network", f"{type(exc).__name__}: {exc}")
    raise exc


class TwilioBackend(BaseBackend):
    def __init__(self, http_client: HttpClient | None = None) -> None:
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=http_client or http_client_default(),
        )

    def send(self, message: Message) -> SendResult:
        # The row's own id is in the callback URL, so a callback finds its message even when it
        # arrives before the provider's id is stored.
        params = dict(
            to=message.phone,
            body=message.body,
            status_callback=public_url(reverse("notifications:status", args=[message.pk])),
        )
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            params["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            params["from_"] = settings.TWILIO_FROM
        try:
            created = self.client.messages.create(**params)
        except Exception as exc:
            raise send_error_classify(exc) from exc
        status = TWILIO_STATUS.get(str(created.status or ""), Message.Status.SENT)
        return SendResult(provider_id=created.sid, status=status)
