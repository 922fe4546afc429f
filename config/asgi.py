import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models.
django.setup(set_prefix=False)

from config.handlers import SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.logging import access_log_masking_install  # noqa: E402
from helpdesk.routing import websocket_urlpatterns  # noqa: E402

access_log_masking_install()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything imported so far lives for the whole process: move it out of the collector's
# reach so full collections stop pausing event delivery (bench/fanout.py shows the tail).
gc.collect()
gc.freeze()
