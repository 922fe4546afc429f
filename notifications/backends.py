"""SMS backends, chosen by settings.SMS_BACKEND like Django's EMAIL_BACKEND."""

import logging
import sys
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Message
from .phones import phone_mask

log = logging.getLogger(__name__)


@dataclass
class SendResult:
    provider_id: str
    status: str = Message.Status.SENT


class SendError(Exception):
    """A send that did not go through, classified so the caller knows what to do next."""

    RETRY = "retry"  # network trouble, the provider's 5xx, rate limiting: try again later
    PERMANENT = "permanent"  # an invalid number or a refused request: trying again cannot help
    OPTED_OUT = "opted-out"  # the recipient texted STOP to the provider (21610)

    def __init__(self, kind: str, code: str, message: str) -> None:
        super().__init__(f"{kind} {code}: {message}")
        self.kind = kind
        self.code = str(code)[:16]
        self.message = str(message)[:255]


class BaseBackend:
    def send(self, message: Message) -> SendResult:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Prints each message; the row in the database is what the phone simulator shows.

    The text carries names, addresses and phone numbers (an accepted offer's address, the
    volunteer coming), and the worker's output ends up in log files: it is printed only with
    SMS_CONSOLE_SHOW_BODIES=1."""

    stream = sys.stdout

    def send(self, message: Message) -> SendResult:
        self.stream.write(f"[sms] to {phone_mask(message.phone)} ({message.segments} seg): ")
        if getattr(settings, "SMS_CONSOLE_SHOW_BODIES", False):
            self.stream.write(message.body.replace("\n", " / ") + "\n")
        else:
            self.stream.write(f"{len(message.body)} characters, not shown\n")
        self.stream.flush()
        return SendResult(provider_id=f"SMconsole{uuid.uuid4().hex}")


class LocmemBackend(BaseBackend):
    """Keeps what would have been sent in `outbox`, for tests."""

    outbox: list[Message] = []

    def send(self, message: Message) -> SendResult:
        type(self).outbox.append(message)
        return SendResult(provider_id=f"SMlocmem{uuid.uuid4().hex}")


BACKENDS = {
    "console": "notifications.backends.ConsoleBackend",
    "locmem": "notifications.backends.LocmemBackend",
    "twilio": "notifications.twilio.TwilioBackend",
}


def get_backend() -> BaseBackend:
    path = BACKENDS.get(settings.SMS_BACKEND, settings.SMS_BACKEND)
    return import_string(path)()


def backend_is_simulated() -> bool:
    """True when nothing leaves the machine, so the phone simulator may play the handsets."""
    return settings.SMS_BACKEND in ("console", "locmem")
