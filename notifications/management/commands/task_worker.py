"""django-tasks-db's db_worker, kept alive through database outages.

db_worker exits on the first OperationalError (a PostgreSQL restart, a failover), which
leaves SMS and offer expiries waiting until something restarts it. This command takes the
same options and, when the database goes away, waits with backoff and carries on. Work cut
off mid-task is not lost: the SMS sweep re-enqueues what was in flight.
"""

import contextlib
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from notifications.health import Heartbeat

log = logging.getLogger(__name__)

FIRST_WAIT = 0.5
LONGEST_WAIT = 10.0
# A worker that ran this long before losing the database starts its backoff afresh.
STABLE_SECONDS = 60.0


class Command(DbWorkerCommand):
    help = "Run the background worker; rides out database outages instead of exiting."

    def handle(self, *args, **options) -> None:
        # The heartbeat beats beside the library's loop (notifications.health), for /readyz.
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            return self.handle_until_stopped(*args, **options)
        finally:
            heartbeat.stop()

    def handle_until_stopped(self, *args, **options) -> None:
        wait = FIRST_WAIT
        while True:
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() - started > STABLE_SECONDS:
                    wait = FIRST_WAIT
                log.warning(
                    "worker lost the database (%s: %s); retrying in %.1f s",
                    type(exc).__name__,
                    str(exc).splitlines()[0][:200] if str(exc) else "",
                    wait,
                )
                for connection in connections.all():
                    with contextlib.suppress(DatabaseError):
                        connection.close()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
