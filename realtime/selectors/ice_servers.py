"""The ICE servers a party's browser uses for a call (WebRTC): the configured STUN URLs, and
the TURN URLs with a credential of coturn's ``use-auth-secret`` scheme (the REST API of
draft-uberti-behave-turn-rest): the username is ``<expiry>:<user id>`` (expiry in Unix
seconds), the credential base64(HMAC-SHA1(secret, username)). coturn, holding the same secret
(``static-auth-secret``), checks it without asking Souk, and refuses it after the expiry.
Without a secret no TURN server is handed out, only STUN."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from django.conf import settings
from django.utils import timezone


def turn_credential(*, secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def ice_servers_for(*, user_id: int, now: datetime | None = None) -> list[dict]:
    """RTCPeerConnection's ``iceServers`` for ``user_id``: STUN, then TURN if configured."""
    servers: list[dict] = []
    if settings.SOUK_STUN_URLS:
        servers.append({"urls": list(settings.SOUK_STUN_URLS)})
    if settings.SOUK_TURN_URLS and settings.SOUK_TURN_SECRET:
        now = now or timezone.now()
        expiry = int(now.timestamp()) + settings.SOUK_TURN_TTL_SECONDS
        username = f"{expiry}:{user_id}"
        servers.append(
            {
                "urls": list(settings.SOUK_TURN_URLS),
                "username": username,
                "credential": turn_credential(secret=settings.SOUK_TURN_SECRET, username=username),
            }
        )
    return servers
