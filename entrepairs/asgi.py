"""ASGI entry point: HTTP through Django, websockets through Channels.

The client's address and scheme come from the reverse proxy only when it is one of
TRUSTED_PROXIES (entrepairs.proxy). Websockets open only from the site's own origin
(entrepairs.origin) and carry the member's session, so consumers know who is connected.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepairs.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from entrepairs.origin import SiteOriginValidator  # noqa: E402
from entrepairs.proxy import TrustedProxyMiddleware  # noqa: E402
from messaging.routing import websocket_urlpatterns  # noqa: E402

application = TrustedProxyMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        }
    )
)
