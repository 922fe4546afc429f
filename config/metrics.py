"""`/metrics` for Prometheus.

Two kinds of figures, so that several daphne processes and workers give one true answer:

- Figures of record (SMS by status and failure reason, inbound per minute, the task queue's
  depth and age, offers by outcome, time to match, the workers' beats) are read from the
  database at scrape time by collectors the apps register on DATABASE_REGISTRY from their
  AppConfig.ready(). Any process answers the same.
- Figures only a process knows (open board sockets, webhook latency, what the SMS sweep and
  the retention run did) are prometheus-client instruments. With PROMETHEUS_MULTIPROC_DIR set
  (a directory shared by every process of one machine, emptied at boot) every process writes
  them there and a scrape of any process sums them all; without it a scrape sees its own
  process only, which is right for the one-process demo.

Access: with METRICS_TOKEN set, a scrape sends `Authorization: Bearer <token>`; without it,
only clients in PROBE_NETWORKS (loopback by default) are answered.
"""

import hmac
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
)

from .probers import client_is_prober

# Collectors that read the database when scraped: no describe(), so registering one runs no
# query, and nothing is read until a scrape.
DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)

BOARD_SOCKETS = Gauge(
    "samhjalp_board_sockets_open",
    "Board websockets open now.",
    multiprocess_mode="livesum",
)
WEBHOOK_SECONDS = Histogram(
    "samhjalp_webhook_seconds",
    "Time to answer a Twilio webhook (SMS in, status callback, voice).",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBHOOK_PREFIXES = ("/sms/inbound/", "/sms/status/", "/voice/")

if os.getenv("PROMETHEUS_MULTIPROC_DIR"):
    import atexit

    from prometheus_client import multiprocess

    # A process that ends takes its open sockets with it (the "livesum" gauge).
    atexit.register(multiprocess.mark_process_dead, os.getpid())


def metrics_text() -> bytes:
    if os.getenv("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(DATABASE_REGISTRY)


def scrape_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    return client_is_prober(request)


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        # 404, not 403: an outsider learns nothing about what is here.
        return HttpResponse(status=404)
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


class WebhookTimingMiddleware:
    """Times the provider's webhooks, labelled by the route's name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(WEBHOOK_PREFIXES):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.url_name or match.view_name) if match else "unknown"
        WEBHOOK_SECONDS.labels(view=view).observe(time.perf_counter() - started)
        return response
