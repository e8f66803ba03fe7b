"""Call signalling frames (WebRTC) that the reading room relays between its two parties.

A party's browser sends ``{"type": "signal", "kind": "offer" | "answer" | "candidate",
"data": ...}``; the room passes ``kind`` and ``data`` to the other party's sockets only, with
the sender's role. Souk reads neither the session description nor the candidates (the media
flows between the browsers, or through the TURN server): it only checks the kind and bounds
the size, so a socket cannot flood the other party.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from config.errors import InvalidInput

SIGNAL_KINDS = ("offer", "answer", "candidate")
# An SDP offer for audio and video with a few candidates is a few kilobytes.
SIGNAL_MAX_BYTES = 16 * 1024


def call_signal_clean(content: dict) -> dict[str, Any]:
    """The relayable part of a signal frame: its kind and data, checked."""
    kind = content.get("kind")
    if kind not in SIGNAL_KINDS:
        raise InvalidInput.of_field(
            _("A signal is an offer, an answer or a candidate."), "kind", code="invalid_signal"
        )
    data = content.get("data")
    if not isinstance(data, dict | str):
        raise InvalidInput.of_field(_("Give the signal's data."), "data", code="invalid_signal")
    if len(json.dumps(data).encode()) > SIGNAL_MAX_BYTES:
        raise InvalidInput.of_field(_("This signal is too large."), "data", code="signal_too_large")
    return {"kind": kind, "data": data}
