from tests.support.live import asgi_server, cast, live_marketplaces  # noqa: F401 (fixtures)
