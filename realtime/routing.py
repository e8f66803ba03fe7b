"""Websocket routes (config.asgi mounts them beside HTTP)."""

from django.urls import path

from realtime.consumers import LiveConsumer

websocket_urlpatterns = [path("ws/live/", LiveConsumer.as_asgi())]
