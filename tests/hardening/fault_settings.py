"""Settings for the processes the fault tests start: the real settings, with Twilio's API on
a loopback fake and the retry, lease and sweep clocks shortened from minutes to seconds."""

import os

from config.settings import *  # noqa: F403

TWILIO_HTTP_CLIENT = "tests.hardening.fakes.LoopbackTwilioHttpClient"
SMS_HTTP_TIMEOUT = float(os.getenv("SMS_HTTP_TIMEOUT", "1"))
SMS_RETRY_BASE_SECONDS = 1
SMS_SEND_LEASE = int(os.getenv("SMS_SEND_LEASE", "3"))
SMS_SWEEP_INTERVAL = 1
