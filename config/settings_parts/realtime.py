"""Realtime (realtime/, accounts/services/live_events.py): event streams, socket tickets,
typing and presence; the reading room's socket and its ICE servers."""

from config.settings_parts.environment import env, env_list

# Each user's event stream keeps this many events and lives this long after its last one; a
# socket resuming from an older id is told to reload (a "resync" event).
SOUK_LIVE_EVENTS_MAX_LEN = int(env("SOUK_LIVE_EVENTS_MAX_LEN", "1000"))
SOUK_LIVE_EVENTS_RETENTION = int(env("SOUK_LIVE_EVENTS_RETENTION", str(24 * 3600)))
# Seconds a socket ticket (POST /api/v1/realtime/tickets/) may wait for its one use.
SOUK_LIVE_TICKET_SECONDS = int(env("SOUK_LIVE_TICKET_SECONDS", "30"))
# One typing signal per user and thread at most this often (seconds); the rest are dropped.
SOUK_LIVE_TYPING_INTERVAL = float(env("SOUK_LIVE_TYPING_INTERVAL", "2"))
# A provider stays online this long after their last socket closes (a reload, a short loss of
# network) before going offline.
SOUK_PRESENCE_GRACE_SECONDS = float(env("SOUK_PRESENCE_GRACE_SECONDS", "30"))
# An open socket renews its presence entry every third of this; an entry not renewed for this
# long (its process died) no longer counts.
SOUK_PRESENCE_SOCKET_TTL = int(env("SOUK_PRESENCE_SOCKET_TTL", "60"))

# The reading room (/ws/sessions/<id>/): while a live session has a party's socket open, the
# server charges each minute as it starts and looks again at least this often (seconds).
SOUK_SESSION_TICK_SECONDS = float(env("SOUK_SESSION_TICK_SECONDS", "5"))
# ICE servers handed to the parties' browsers for calls (WebRTC; media never passes through
# Souk): STUN URLs, and TURN URLs with coturn's use-auth-secret credentials that last
# SOUK_TURN_TTL_SECONDS. Without a secret, only STUN is handed out.
SOUK_STUN_URLS = env_list("SOUK_STUN_URLS")
SOUK_TURN_URLS = env_list("SOUK_TURN_URLS")
SOUK_TURN_SECRET = env("SOUK_TURN_SECRET", "")
SOUK_TURN_TTL_SECONDS = int(env("SOUK_TURN_TTL_SECONDS", "3600"))
