"""The apps' direction and module privacy, as import-linter checks them in CI (.importlinter).

The second test builds a small tree with the same package names and an upward import, private
imports and a cycle, so the contracts are shown to break, not only to pass."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, *, pythonpath: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), str(cwd / ".importlinter"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": pythonpath, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_the_project_keeps_its_import_contracts():
    result = _lint(ROOT, pythonpath=str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_an_upward_or_private_import_breaks_a_contract(tmp_path):
    modules = {
        "config/asgi.py": "import helpdesk.routing\n",
        "notifications/phones.py": "def look():\n    from helpdesk.services import answer\n",
        "helpdesk/models.py": "HelpRequest = object\n",
        "helpdesk/routing.py": "",
        "helpdesk/services.py": "from .offers import (\n    offer,\n    _lock,\n)\n\nanswer = 1\n",
        "helpdesk/offers.py": "def offer(): ...\n\n\ndef _lock(): ...\n",
        "helpdesk/callbacks.py": "from helpdesk import offers\n\noffers._lock()\n",
        "matching/search.py": "from helpdesk.models import HelpRequest\nfrom . import batch\n",
        "matching/batch.py": "def plan():\n    from .search import HelpRequest\n",
        "helpdesk/voice.py": "import helpdesk.offers as o\n\no._lock()\n",
        "helpdesk/board.py": "import helpdesk.offers\n\nhelpdesk.offers._lock()\n",
        "languages/pack.py": "",
        "places/models.py": "",
    }
    for path, text in modules.items():
        file = tmp_path / path
        file.parent.mkdir(exist_ok=True)
        (file.parent / "__init__.py").touch()
        file.write_text(text)
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").touch()
    shutil.copytree(ROOT / "tests" / "architecture", tmp_path / "tests" / "architecture")

    result = _lint(tmp_path, pythonpath=str(tmp_path))

    assert result.returncode != 0
    assert "notifications.phones -> helpdesk.services" in result.stdout
    assert "helpdesk.services (l.1) uses _lock of helpdesk.offers" in result.stdout
    assert "helpdesk.callbacks (l.3) uses _lock of helpdesk.offers" in result.stdout
    assert "helpdesk.voice (l.3) uses _lock of helpdesk.offers" in result.stdout
    assert "helpdesk.board (l.3) uses _lock of helpdesk.offers" in result.stdout
    assert "No cycles are allowed in matching." in result.stdout
    # What a foreign key allows is not reported.
    assert "matching.search -> helpdesk.models" not in result.stdout
