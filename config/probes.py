"""Probes for a load balancer, an orchestrator or a monitor.

`/livez` says the process answers and nothing else, so a Redis or database outage never
restarts web processes that would carry on once it is over. `/readyz` says whether this
process can do its work: the database answers, every migration is applied, Redis answers when
configured, and whatever the apps register (the worker's heartbeat and the task queue,
notifications.health). `/healthz`, the older check of the database and channel layer, stays.

Probers reach a process by its own address (a pod IP, 127.0.0.1:8001), which is no allowed
host. ProbeMiddleware, first in the chain, answers the probe paths itself for clients in
PROBE_NETWORKS, before CommonMiddleware reads the Host header and before the HTTPS redirect;
from anywhere else the paths take the ordinary way, allowed hosts and all.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .metrics import metrics
from .probers import client_is_prober

# A check returns a JSON-able detail and raises (or returns status other than "ok") to fail.
Check = Callable[[], dict]
CHECKS: dict[str, Check] = {}
REDIS_TIMEOUT = 1.0


def readiness_check_register(name: str, check: Check) -> None:
    """Add a check to `/readyz`. It returns a dict with at least "status" ("ok" passes)."""
    CHECKS[name] = check


def database_check() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


_migrations_applied = False


def migrations_check() -> dict:
    """Every migration on disk is applied. Once true it stays true for this process: a newer
    release's migrations, applied while this code still runs, are not this process's."""
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return {
                "status": "error",
                "unapplied": [f"{m.app_label}.{m.name}" for m, _backwards in plan][:10],
            }
        _migrations_applied = True
    return {"status": "ok"}


def redis_check() -> dict:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"status": "ok"}


def readiness_checks() -> dict[str, Check]:
    checks: dict[str, Check] = {"database": database_check, "migrations": migrations_check}
    if settings.REDIS_URL:
        checks["redis"] = redis_check
    return checks | CHECKS


def readiness() -> tuple[bool, dict]:
    results = {}
    for name, check in readiness_checks().items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as exc:  # noqa: BLE001 (any failure is the answer: not ready)
            result = {"status": f"error: {type(exc).__name__}"}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    failing = [name for name, result in results.items() if result["status"] != "ok"]
    return not failing, {
        "status": "error" if failing else "ok",
        "failing": failing,
        "checks": results,
    }


@login_not_required
@never_cache
@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    """The process answers. Touches no database and no Redis on purpose."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every readiness check passes, else 503 naming the ones that fail."""
    ready, body = readiness()
    return JsonResponse(body, status=200 if ready else 503)


def probe_views() -> dict[str, Callable[[HttpRequest], HttpResponse]]:
    return {"/livez": livez, "/readyz": readyz, "/metrics": metrics}


class ProbeMiddleware:
    """Answers probe paths for clients in PROBE_NETWORKS whatever their Host header says."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = probe_views()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.views.get(request.path_info)
        if view is not None and client_is_prober(request):
            return view(request)
        return self.get_response(request)
