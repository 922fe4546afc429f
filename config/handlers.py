"""The HTTP side of the ASGI application.

Django's middleware (sessions, CSRF, auth, locale, WhiteNoise) is synchronous code. Under
ASGI, Django's own handler runs each such middleware's hooks through `sync_to_async`, so a
request crosses between the event loop and a thread a dozen times before reaching a view that
is itself synchronous. This handler builds the middleware chain in synchronous mode and runs
chain and view in one `sync_to_async` call: three crossings per request with the
request_started and request_finished signals, where Django's handler makes many more.

Django's handler also starts a thread for every request and stops it afterwards. Here a
request borrows an idle single-thread executor and gives it back, as a WSGI server reuses its
threads: everything in one request still runs on one thread, and each thread still closes its
database connection (or hands it back to the pool) when its request finishes.

The CPU this saves per request, and the figures at load: docs/benchmarks.md and
docs/decisions/0002-asgi-handler-and-sign-in-lane.md.

Async views still work: Django's synchronous path runs them through `async_to_sync`.
"""

import asyncio
import contextlib
import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

# Idle request threads kept for reuse; a busier moment starts more, as Django would, and
# those beyond this many are stopped when their request ends.
IDLE_THREADS = 32


def thread_priority_lower() -> None:
    """Lower the calling thread's CPU priority by WEB_SIGN_IN_NICENESS (Linux schedules each
    thread on its own; elsewhere this does nothing). Not the lowest: at 19 a sign-in on a busy
    machine gets so little CPU that it waits past its timeout."""
    with contextlib.suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + settings.WEB_SIGN_IN_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(19, niceness))


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self._idle: list[ThreadPoolExecutor] = []
        # WEB_MAX_THREADS > 0: at most that many requests in Django at once, the rest wait
        # their turn on the event loop (semaphores per loop: tests run several loops).
        self.max_threads: int = getattr(settings, "WEB_MAX_THREADS", 0)
        # Sign-in attempts have a lane of their own, apart from the one above: a flood of
        # password guesses waits in its lane on the event loop (where waiting costs nothing)
        # and takes at most this many threads, so operators at work keep theirs.
        self.sign_in_threads: int = getattr(settings, "WEB_SIGN_IN_THREADS", 0)
        self.sign_in_paths: tuple[str, ...] = tuple(getattr(settings, "WEB_SIGN_IN_PATHS", ()))
        self._slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._idle_sign_in: list[ThreadPoolExecutor] = []

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    def lane(self, scope) -> tuple[str, int]:
        """Which lane a request waits in, and how many of its requests run at once (0: any)."""
        if (
            self.sign_in_threads
            and scope.get("method") == "POST"
            and scope.get("path", "").startswith(self.sign_in_paths)
        ):
            return "sign-in", self.sign_in_threads
        return "pages", self.max_threads

    async def __call__(self, scope, receive, send):
        name, size = self.lane(scope)
        if not size:
            return await self._on_a_thread(scope, receive, send)
        lanes = self._slots.setdefault(asyncio.get_running_loop(), {})
        slots = lanes.get(name)
        if slots is None:
            slots = lanes[name] = asyncio.Semaphore(size)
        async with slots:
            await self._on_a_thread(scope, receive, send, sign_in=name == "sign-in")

    async def _on_a_thread(self, scope, receive, send, *, sign_in: bool = False):
        idle = self._idle_sign_in if sign_in else self._idle
        if idle:
            executor = idle.pop()
        elif sign_in:
            # Password hashing (PBKDF2 releases the GIL) at a lower CPU priority: under a
            # flood of guesses the operators' requests get the cores first.
            executor = ThreadPoolExecutor(1, "sign-in", initializer=thread_priority_lower)
        else:
            executor = ThreadPoolExecutor(1, "request")
        try:
            # Django's own __call__ opens a ThreadSensitiveContext too; the outer one, with
            # its executor, is the one its thread-sensitive calls use.
            async with ThreadSensitiveContext(executor=executor):
                await super().__call__(scope, receive, send)
        finally:
            if len(idle) < IDLE_THREADS:
                idle.append(executor)
            else:
                executor.shutdown(wait=False)

    async def get_response_async(self, request):
        # thread_sensitive: on the request's own thread, whose database connection is the
        # one request_finished closes.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
