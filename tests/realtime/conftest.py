from tests.support.live import asgi_server, live_cast, live_marketplaces  # noqa: F401 (fixtures)
from tests.support.session_room import psychic_live, room_server  # noqa: F401 (fixtures)
