"""The HTTP side of the ASGI application.

Django's middleware (sessions, CSRF, auth, locale, WhiteNoise) is synchronous code. Under
ASGI, Django's own handler runs each such middleware's hooks through `sync_to_async`, so a
request crosses between the event loop and a thread a dozen times before reaching a view that
is itself synchronous. This handler builds the middleware chain in synchronous mode and runs
chain and view in one `sync_to_async` call: three crossings per request with the
request_started and request_finished signals, where Django's handler made 18.

Django's handler also starts a thread for every request and stops it afterwards. Here a
request borrows an idle single-thread executor and gives it back, as a WSGI server reuses its
threads: everything in one request still runs on one thread, and each thread still closes its
database connection (or hands it back to the pool) when its request finishes.

Measured on the SMS webhook, CPU per request: 4.4 to 1.7 ms for a rejected signature, 7.0 to
4.0 ms for a stored message with the chain alone; see the README for the figures at load.

Async views still work: Django's synchronous path runs them through `async_to_sync`.
"""

import asyncio
import weakref
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

# Idle request threads kept for reuse; a busier moment starts more, as Django would, and
# those beyond this many are stopped when their request ends.
IDLE_THREADS = 32


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self._idle: list[ThreadPoolExecutor] = []
        # WEB_MAX_THREADS > 0: at most that many requests in Django at once, the rest wait
        # their turn on the event loop (one semaphore per loop: tests run several loops).
        self.max_threads: int = getattr(settings, "WEB_MAX_THREADS", 0)
        self._slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if not self.max_threads:
            return await self._on_a_thread(scope, receive, send)
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(self.max_threads)
        async with slots:
            await self._on_a_thread(scope, receive, send)

    async def _on_a_thread(self, scope, receive, send):
        executor = self._idle.pop() if self._idle else ThreadPoolExecutor(1, "request")
        try:
            # Django's own __call__ opens a ThreadSensitiveContext too; the outer one, with
            # its executor, is the one its thread-sensitive calls use.
            async with ThreadSensitiveContext(executor=executor):
                await super().__call__(scope, receive, send)
        finally:
            if len(self._idle) < IDLE_THREADS:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)

    async def get_response_async(self, request):
        # thread_sensitive: on the request's own thread, whose database connection is the
        # one request_finished closes.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
