from tests.support.live import (  # noqa: F401 (fixtures)
    asgi_server,
    live_cast,
    live_marketplaces,
    second_asgi_server,
)
