"""The HTTP side of the ASGI application: Django's middleware chain runs in one crossing into
a reused request thread (config/handlers.py), and everything still behaves as a Django site
should."""

import asyncio
import inspect
import os
import threading
import time
from urllib.parse import urlencode

import pytest
from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.conf import settings
from django.core.signals import request_started
from django.http import HttpResponse

from config import handlers
from config.asgi import application
from config.handlers import SyncChainASGIHandler
from notifications.models import Message
from notifications.webhooks import twilio_signature

pytestmark = pytest.mark.django_db(transaction=True)


def http(method: str, path: str, body: bytes = b"", headers: list | None = None):
    headers = [(b"host", b"testserver"), *(headers or [])]
    return HttpCommunicator(application, method, path, body=body, headers=headers)


def webhook(params: dict, *, signed: bool = True) -> HttpCommunicator:
    body = urlencode(params).encode()
    signature = twilio_signature(settings.PUBLIC_BASE_URL + "/sms/inbound/", params)
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    if signed:
        headers.append((b"x-twilio-signature", signature.encode()))
    return http("POST", "/sms/inbound/", body, headers)


@database_sync_to_async
def stored(sid: str) -> int:
    # Through channels' helper, which closes the connection afterwards: a connection left
    # open in asgiref's executor thread would keep the test database from being dropped.
    return Message.objects.filter(provider_id=sid).count()


def test_the_middleware_chain_is_built_synchronous():
    handler = SyncChainASGIHandler()
    assert callable(handler._middleware_chain)
    assert not inspect.iscoroutinefunction(handler._middleware_chain)


async def test_a_request_crosses_into_a_thread_a_few_times_not_once_per_middleware(monkeypatch):
    crossings = []
    original = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        crossings.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    response = await http("GET", "/login/").get_response()
    assert response["status"] == 200
    # request_started's receivers, the chain with its view, and closing the response: with
    # Django's own handler each of the ten middleware would add one or two more.
    assert len(crossings) <= 4, crossings


async def test_a_signed_webhook_is_stored_once_and_its_repeat_stores_nothing():
    params = {"MessageSid": "SM" + "a" * 32, "From": "+46701234567", "To": "+46700000000"}
    params["Body"] = "Hjälp med mat"
    first = await webhook(params).get_response()
    again = await webhook(params).get_response()
    assert first["status"] == again["status"] == 200
    assert b"<Response" in first["body"] and first["body"] == again["body"]
    assert await stored(params["MessageSid"]) == 1


async def test_an_unsigned_webhook_is_refused_and_stores_nothing():
    params = {"MessageSid": "SM" + "b" * 32, "From": "+46701234567", "Body": "hej"}
    response = await webhook(params, signed=False).get_response()
    assert response["status"] == 403
    assert await stored(params["MessageSid"]) == 0


async def test_pages_keep_sessions_csrf_and_the_login_requirement():
    page = await http("GET", "/").get_response()
    assert page["status"] == 302
    assert dict(page["headers"])[b"Location"].startswith(b"/login/")
    login = await http("GET", "/login/").get_response()
    cookies = [value for name, value in login["headers"] if name == b"Set-Cookie"]
    assert any(cookie.startswith(b"csrftoken=") for cookie in cookies)
    forged = await http(
        "POST",
        "/login/",
        b"username=x&password=y",
        [(b"content-type", b"application/x-www-form-urlencoded")],
    ).get_response()
    assert forged["status"] == 403  # no CSRF token


class Recording(SyncChainASGIHandler):
    """The handler with a view that notes its thread, and waits at `barrier` when one is set."""

    def __init__(self, barrier: threading.Barrier | None = None) -> None:
        super().__init__()
        self.barrier = barrier
        self.threads: list[tuple[int, int]] = []
        self._started = threading.local()

    def signal_thread(self, **kwargs) -> None:
        self._started.ident = threading.get_ident()

    def get_response(self, request):
        if self.barrier is not None:
            self.barrier.wait(timeout=5)  # both requests must be in their views at once
        self.threads.append((getattr(self._started, "ident", None), threading.get_ident()))
        return HttpResponse("ok")


async def recorded(handler: Recording, count: int) -> list[int]:
    request_started.connect(handler.signal_thread)
    try:
        answers = [HttpCommunicator(handler, "GET", "/").get_response() for _ in range(count)]
        return [response["status"] for response in await asyncio.gather(*answers)]
    finally:
        request_started.disconnect(handler.signal_thread)


async def test_a_request_keeps_to_one_thread_and_the_next_one_reuses_it():
    handler = Recording()
    assert await recorded(handler, 1) == [200]
    assert await recorded(handler, 1) == [200]
    (started_1, view_1), (started_2, view_2) = handler.threads
    assert started_1 == view_1 and started_2 == view_2  # signal and view on one thread
    assert view_1 == view_2  # the thread was kept for the next request
    assert view_1 != threading.get_ident()


async def test_concurrent_requests_get_threads_of_their_own(monkeypatch):
    monkeypatch.setattr(handlers, "IDLE_THREADS", 1)
    handler = Recording(barrier=threading.Barrier(2))
    # Were the two requests put on one thread, the barrier would time out and answer 500.
    assert await recorded(handler, 2) == [200, 200]
    assert len({view for _, view in handler.threads}) == 2
    assert len(handler._idle) == 1  # the thread beyond the idle limit was stopped


async def test_with_a_thread_limit_requests_wait_their_turn_on_the_event_loop():
    handler = Recording()
    handler.max_threads = 1
    inside, most = 0, 0
    original = handler.get_response

    def counted(request):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        time.sleep(0.05)
        inside -= 1
        return original(request)

    handler.get_response = counted
    assert await recorded(handler, 3) == [200, 200, 200]
    assert most == 1
    assert len({view for _, view in handler.threads}) == 1  # one thread served all three


async def test_sign_in_attempts_wait_in_a_lane_of_their_own_and_leave_the_pages_theirs():
    """A flood of sign-in POSTs runs one at a time and never holds the page requests' threads:
    a page asked for while eight guesses are queued is answered before they are all done."""
    handler = Recording()
    handler.max_threads, handler.sign_in_threads = 2, 1
    handler.sign_in_paths = ("/login/",)
    inside = {"sign-in": 0, "pages": 0}
    most = {"sign-in": 0, "pages": 0}
    order: list[str] = []
    niceness: dict[str, set[int]] = {"sign-in": set(), "pages": set()}
    original = handler.get_response

    def counted(request):
        lane = "sign-in" if request.path.startswith("/login/") else "pages"
        inside[lane] += 1
        most[lane] = max(most[lane], inside[lane])
        niceness[lane].add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        time.sleep(0.05 if lane == "sign-in" else 0)
        inside[lane] -= 1
        order.append(lane)
        return original(request)

    handler.get_response = counted
    request_started.connect(handler.signal_thread)
    try:
        guesses = [
            HttpCommunicator(handler, "POST", "/login/", body=b"username=x&password=y")
            for _ in range(8)
        ]
        pending = [asyncio.ensure_future(g.get_response()) for g in guesses]
        await asyncio.sleep(0.02)  # the guesses are queued in their lane
        page = await HttpCommunicator(handler, "GET", "/").get_response()
        answered = await asyncio.gather(*pending)
    finally:
        request_started.disconnect(handler.signal_thread)
    assert page["status"] == 200 and {r["status"] for r in answered} == {200}
    assert most["sign-in"] == 1
    # Password hashing runs at a lower CPU priority, the pages at the process's own.
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert niceness == {"sign-in": {min(19, own + settings.WEB_SIGN_IN_NICENESS)}, "pages": {own}}
    # The page did not wait for the queue of guesses: it came before the last of them.
    assert order.index("pages") < len(order) - 1
    # A GET of the login page is an ordinary page, and the lane is off without the setting.
    assert handler.lane({"method": "GET", "path": "/login/"}) == ("pages", 2)
    handler.sign_in_threads = 0
    assert handler.lane({"method": "POST", "path": "/login/"}) == ("pages", 2)
