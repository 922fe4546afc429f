import shutil

import pytest

from .checkout import released_checkout


@pytest.fixture(scope="session")
def release(tmp_path_factory):
    if not shutil.which("msgfmt"):
        pytest.fail("deploy/build needs gettext's msgfmt (apt-get install gettext)")
    return released_checkout(tmp_path_factory.mktemp("release"))
