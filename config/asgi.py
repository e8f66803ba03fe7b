import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

# Websocket routes (messaging, presence, metered sessions) join this router as they land.
application = ProtocolTypeRouter({"http": django_asgi_app})
