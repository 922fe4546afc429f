import os
import shutil

import pytest

from .checkout import released_checkout


def tool_required(command: str, package: str) -> str:
    """The tool's path; skips without it locally, fails in CI (CI=true or REQUIRE_BROWSER=1 or
    REQUIRE_SERVICES=1), like the services in tests/conftest.py."""
    path = shutil.which(command) or shutil.which(command, path="/usr/sbin:/sbin")
    if path:
        return path
    reason = f"needs {command} (apt-get install {package})"
    if "1" in (os.getenv("REQUIRE_BROWSER"), os.getenv("REQUIRE_SERVICES")) or os.getenv("CI"):
        pytest.fail(f"{reason}; required here, so this is a failure", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def release(tmp_path_factory):
    tool_required("msgfmt", "gettext")
    return released_checkout(tmp_path_factory.mktemp("release"))
