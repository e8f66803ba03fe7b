from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bookings.services.stream_news import stream_news_register
        from realtime.services.stream_rooms import stream_room_tell

        stream_news_register(stream_room_tell)
