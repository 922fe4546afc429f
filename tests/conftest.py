"""Shared fixtures. Tests that need a service are marked (postgres, redis, browser, prism):
they skip on a developer's laptop without it and fail in CI, where REQUIRE_SERVICES,
REQUIRE_BROWSER and REQUIRE_PRISM are set, so a missing service can never pass unseen."""

import os
import uuid

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from notifications.backends import LocmemBackend

DEMO_PASSWORD = "correct-horse-battery"

# Processes the tests start with production settings link static files by their plain names:
# a manifest left by an earlier `make run` may predate a static file added since.
# tests/deploy runs a built release with its manifest instead.
os.environ.setdefault("STATIC_MANIFEST", "0")

REQUIREMENTS = {
    "postgres": "REQUIRE_SERVICES",
    "redis": "REQUIRE_SERVICES",
    "browser": "REQUIRE_BROWSER",
    "prism": "REQUIRE_PRISM",
}


def service_missing(marker: str, reason: str) -> None:
    """Skip, or fail when the environment says this service must be there."""
    if os.getenv(REQUIREMENTS[marker]) == "1":
        pytest.fail(f"{reason} ({REQUIREMENTS[marker]}=1, so this is a failure)", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        # Under SQLite these are simply not applicable; CI runs them in its PostgreSQL pass.
        service_missing("postgres", "needs PostgreSQL: set DATABASE_URL=postgresql://...")
    if item.get_closest_marker("redis") and not os.getenv("REDIS_URL"):
        service_missing("redis", "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def boundaries_fresh():
    """District boundaries are cached per process: a test starts from its own database's."""
    from places.geometry import boundaries_forget

    boundaries_forget()


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """Every test sends through the in-memory backend and starts with an empty outbox."""
    settings.SMS_BACKEND = "locmem"
    LocmemBackend.outbox = []
    return LocmemBackend.outbox


def make_user(username: str, role: str | None = None, **extra) -> User:
    user = User.objects.create_user(username=username, password=DEMO_PASSWORD, **extra)
    if role:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


def login_caches_private(settings, label: str) -> None:
    """Private caches for one test: with Redis the login counts would be shared by every test
    worker, and every test signs in from the same address (127.0.0.1)."""
    settings.CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"{label}-{name}-{uuid.uuid4()}",
        }
        for name in ("default", "axes")
    }
    settings.AXES_CACHE = "axes"
    # axes keeps its handler, and the handler its cache, until AXES_HANDLER changes.
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"


def second_factor_verified(client, user: User) -> None:
    """Sign `client` in as `user` with a confirmed TOTP device verified this session, as the
    admin site requires of admins and superusers."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def operator(db) -> User:
    return make_user("olivia", "operator", first_name="Olivia")


@pytest.fixture
def analyst(db) -> User:
    return make_user("anders", "admin", is_staff=True)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile translations that changed, so a plain `pytest` sees the same UI as `make test`.
    Only the controller does it; xdist workers start after."""
    if hasattr(session.config, "workerinput"):
        return
    from pathlib import Path

    from django.core.management import call_command

    def is_stale(po: Path) -> bool:
        mo = po.with_suffix(".mo")
        return not mo.exists() or po.stat().st_mtime > mo.stat().st_mtime

    root = Path(__file__).resolve().parent.parent
    catalogues = [
        *root.glob("locale/*/LC_MESSAGES/django.po"),
        *root.glob("*/locale/*/LC_MESSAGES/django.po"),
    ]
    stale = [po for po in catalogues if ".venv" not in po.parts and is_stale(po)]
    if stale:
        call_command("compilemessages", ignore_patterns=[".venv"], verbosity=0)


class TaskRunner:
    """Runs enqueued django_tasks the way `manage.py db_worker` does, inside the test's
    transaction. `now` lets a test reach delayed tasks (offer expiry, retries) without waiting."""

    def __init__(self) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        self.worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )

    def pending(self):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(status="READY")

    def __call__(self, *, now=None, limit: int = 1000, raise_failures: bool = True) -> int:
        from django.db.models import Q
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult, get_date_max

        ran = 0
        while ran < limit:
            due = self.pending().filter(
                Q(run_after=get_date_max()) | Q(run_after__lte=now or timezone.now())
            )
            result = due.order_by("-priority", "enqueued_at").first()
            if result is None:
                return ran
            result.claim(self.worker.worker_id)
            self.worker.run_task(result)
            ran += 1
            result = DBTaskResult.objects.get(pk=result.pk)
            if raise_failures and result.status == "FAILED":
                raise AssertionError(f"task {result.task_path} failed:\n{result.traceback}")
        raise AssertionError(f"more than {limit} tasks: a task that enqueues itself forever?")


@pytest.fixture
def run_tasks(db) -> TaskRunner:
    return TaskRunner()


@pytest.fixture(autouse=True)
def in_memory_channel_layer(request, settings):
    """In-process tests use the in-memory channel layer even when REDIS_URL is set; tests
    marked `redis` keep Redis. Redis is exercised where it matters, across processes and layer
    instances (tests/helpdesk/test_board_redis.py, tests/e2e, tests/hardening): an in-process
    socket test on Redis can leave channels_redis's receive waiting as its event loop closes,
    which stalls the test run."""
    from channels.layers import channel_layers

    if request.node.get_closest_marker("redis"):
        yield
        return
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
