from django.apps import AppConfig


class ApiConfig(AppConfig):
    """What every API shares (errors, parsers, schema, throttles); no models."""

    name = "api"

    def ready(self) -> None:
        from api import json_types

        json_types.install()
