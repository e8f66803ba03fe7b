from tests.support.live import asgi_server, live_cast, live_marketplaces  # noqa: F401 (fixtures)
