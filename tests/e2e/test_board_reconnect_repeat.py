"""The reconnect test 20 times in a row against one stack (CI runs it once with
RECONNECT_REPEAT=20, .ci/run): the board says "live" only after its snapshot, so a busy
machine must not make it flaky. Without the variable nothing runs here."""

import os

import pytest

from .test_browser_helpdesk import browser  # noqa: F401 (the fixture is used by name)
from .test_browser_helpdesk import test_reconnecting_state_is_visible_and_recovers as reconnect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("attempt", range(int(os.getenv("RECONNECT_REPEAT", "0"))))
def test_reconnecting_again_and_again(browser, stack, attempt):  # noqa: F811
    reconnect(browser, stack)
