from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo marketplaces for `make demo` (``manage.py souk_demo``); no models."""

    name = "demo"
