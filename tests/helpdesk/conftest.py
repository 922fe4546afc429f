import os
import uuid

import pytest


@pytest.fixture(autouse=True)
def private_channel_layer(request, settings, in_memory_channel_layer):
    """Each test gets a channel layer of its own. With Redis, parallel workers (and earlier
    tests' hubs) would otherwise share the board group and see each other's versions."""
    from channels.layers import channel_layers

    # Only tests marked `redis` use Redis (see tests/conftest.py's in_memory_channel_layer).
    if os.getenv("REDIS_URL") and request.node.get_closest_marker("redis"):
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": f"t{uuid.uuid4().hex}"},
            }
        }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
