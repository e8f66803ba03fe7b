"""The ICE servers handed out for calls: STUN, and TURN only with a secret to sign for it."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from realtime.selectors.ice_servers import ice_servers_for

NOW = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)


def test_without_a_turn_secret_only_stun_is_handed_out(settings):
    settings.SOUK_STUN_URLS = ["stun:stun.example.com:3478"]
    settings.SOUK_TURN_URLS = ["turn:turn.example.com:3478"]
    settings.SOUK_TURN_SECRET = ""
    assert ice_servers_for(user_id=7, now=NOW) == [{"urls": ["stun:stun.example.com:3478"]}]
    settings.SOUK_STUN_URLS = []
    assert ice_servers_for(user_id=7, now=NOW) == []


def test_turn_credentials_follow_coturns_use_auth_secret(settings):
    settings.SOUK_STUN_URLS = []
    settings.SOUK_TURN_URLS = ["turn:turn.example.com:3478", "turns:turn.example.com:5349"]
    settings.SOUK_TURN_SECRET = "north"
    settings.SOUK_TURN_TTL_SECONDS = 3600

    (turn,) = ice_servers_for(user_id=7, now=NOW)

    expiry = int(NOW.timestamp()) + 3600
    assert turn["username"] == f"{expiry}:7"
    digest = hmac.new(b"north", f"{expiry}:7".encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(digest).decode()
    assert turn["urls"] == ["turn:turn.example.com:3478", "turns:turn.example.com:5349"]
