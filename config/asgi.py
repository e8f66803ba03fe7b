import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from realtime.routing import websocket_urlpatterns  # noqa: E402

# One application for both: HTTP goes to Django as under WSGI; websockets to realtime's
# consumers, which pick the marketplace from the Host and check the Origin themselves
# (realtime.handshake), so no generic origin middleware is stacked here.
application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": URLRouter(websocket_urlpatterns)}
)

from config.warm import application_warm  # noqa: E402

application_warm()
