from tests.support.live import (  # noqa: F401 (fixtures)
    asgi_server,
    live_cast,
    live_marketplaces,
    second_asgi_server,
)
from tests.support.session_room import psychic_live, room_server  # noqa: F401 (fixtures)
