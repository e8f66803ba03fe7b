"""Websocket routes (config.asgi mounts them beside HTTP)."""

from django.urls import path

from realtime.consumers import LiveConsumer
from realtime.session_consumer import SessionConsumer
from realtime.stream_consumer import StreamConsumer

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/sessions/<int:booking_id>/", SessionConsumer.as_asgi()),
    path("ws/streams/<int:stream_id>/", StreamConsumer.as_asgi()),
]
