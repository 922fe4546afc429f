"""The systemd units in deploy/systemd pass `systemd-analyze verify` (syntax, known keys,
executables that exist), and name the same web ports as the nginx site."""

import re
import subprocess
import sys

from .checkout import ROOT
from .conftest import tool_required

UNITS = ROOT / "deploy" / "systemd"
APP = "/srv/samhjalp/app"


def test_the_units_verify(tmp_path):
    analyze = tool_required("systemd-analyze", "systemd")
    # Installed as the docs say, with the app where this tree is (its venv and deploy/build
    # are the executables the units start).
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(APP, str(ROOT)))
    names = [
        "samhjalp.target",
        "samhjalp-web@8001.service",
        "samhjalp-worker@1.service",
        "samhjalp-release.service",
        "samhjalp-sms-sweep.service",
        "samhjalp-sms-sweep.timer",
        "samhjalp-retention.service",
        "samhjalp-retention.timer",
    ]
    assert {re.sub(r"@\w+", "@", name) for name in names} == {unit.name for unit in UNITS.iterdir()}
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in names)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    ours = [line for line in result.stderr.splitlines() if "samhjalp" in line]
    assert result.returncode == 0 and not ours, result.stderr


def test_the_target_starts_the_web_ports_nginx_sends_to():
    target = (UNITS / "samhjalp.target").read_text()
    site = (ROOT / "deploy" / "nginx" / "samhjalp.conf").read_text()
    ports = set(re.findall(r"samhjalp-web@(\d+)\.service", target))
    upstream = set(re.findall(r"server 127\.0\.0\.1:(\d+);", site))
    assert ports and ports == upstream


def test_the_units_run_commands_that_exist():
    commands = set()
    for unit in UNITS.glob("*.service"):
        commands |= set(re.findall(r"manage\.py (\w+)", unit.read_text()))
    listed = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert commands and commands <= set(listed), commands - set(listed)


def test_every_process_of_the_app_keeps_its_metrics_in_one_directory_it_may_write():
    """A scrape of any process sums every process of the machine only if each writes its
    figures to the same directory: made for them (the units are ProtectSystem=strict), kept
    while any of them runs, and named in the environment of each."""
    running = [
        unit
        for unit in UNITS.glob("*.service")
        if "EnvironmentFile=" in unit.read_text() and "release" not in unit.name
    ]
    assert len(running) >= 4
    for unit in running:
        text = unit.read_text()
        assert "RuntimeDirectory=samhjalp/metrics" in text, unit.name
        assert "RuntimeDirectoryPreserve=yes" in text, unit.name
        assert "Environment=PROMETHEUS_MULTIPROC_DIR=/run/samhjalp/metrics" in text, unit.name
