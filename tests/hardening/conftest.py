"""Fixtures for the fault tests: a migrated SQLite database to copy, a stack of real
processes on it, a fake Twilio, a private Redis and a private PostgreSQL cluster."""

import shutil
import subprocess

import pytest

from tests.conftest import service_missing

from .fakes import FakeTwilio
from .procs import PY, ROOT, PrivateCluster, PrivateRedis, Stack, postgres_bin


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """Migrating takes seconds; do it once and give each test a copy."""
    path = tmp_path_factory.mktemp("template") / "db.sqlite3"
    stack = Stack(path.parent)
    stack.env["SQLITE_PATH"] = str(path)
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=stack.env,
        check=True,
        timeout=120,
    )
    return path


@pytest.fixture
def fake_twilio():
    fake = FakeTwilio()
    yield fake
    fake.close()


@pytest.fixture
def make_stack(tmp_path, migrated_sqlite):
    """make_stack(twilio_url=..., database_url=..., redis_url=...) -> Stack; stopped after."""
    stacks: list[Stack] = []

    def make(**kwargs) -> Stack:
        stack = Stack(tmp_path, **kwargs)
        if not kwargs.get("database_url"):
            shutil.copy(migrated_sqlite, stack.env["SQLITE_PATH"])
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.close()


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        service_missing("redis", "needs redis-server on PATH for a private Redis")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def private_postgres():
    if postgres_bin() is None:
        service_missing("postgres", "needs PostgreSQL's initdb and pg_ctl for a private cluster")
    cluster = PrivateCluster()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.stop()
