"""A release as a fresh clone gets it: the files git would check out (tracked and new, never
ignored ones such as compiled .mo files, collected static files or the venv), built by
deploy/build and released by the Procfile's release step, with production settings."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The suite's own venv: the build's venv step finds the pinned requirements installed.
VENV = Path(sys.prefix)


def procfile_line(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {name} process in the Procfile")


def fresh_checkout(directory: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if source.is_file():
            target = directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return directory


def production_env(checkout: Path, **extra: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "STATIC_MANIFEST")
        and not k.startswith(("PYTEST_", "COV_"))
    }
    env.update(
        PATH=f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VENV=str(VENV),
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="release-test-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="False",
        SQLITE_PATH=str(checkout / "release.sqlite3"),
        SMS_BACKEND="console",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def released_checkout(directory: Path) -> Path:
    """A fresh checkout, built and released as the Procfile does it."""
    checkout = fresh_checkout(directory)
    assert not list(checkout.rglob("*.mo")), "compiled messages were copied"
    env = production_env(checkout)
    subprocess.run(["deploy/build", "venv"], cwd=checkout, env=env, check=True, timeout=600)
    subprocess.run(
        ["sh", "-c", procfile_line("release")],
        cwd=checkout,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return checkout
