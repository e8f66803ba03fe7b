"""/streams/<id>/: a live stream's page. The video plays the stream's HLS playlist through
hls.js (served by the marketplace itself, static/vendor/), and site/stream.js keeps the viewer
count, the chat and the gifts live through the stream's socket (realtime.stream_consumer),
where signed-in viewers also chat and send gifts. The page itself is rendered from the same
selectors as the API; without JavaScript it still shows the stream and its last gifts."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bookings.selectors.gifts import gift_catalogue
from bookings.selectors.streams import stream_get
from config.errors import NotFound
from config.security import HEADER, content_security_policy
from themes.pages.provider.common import MAX_ID


def _hls_origins() -> list[str]:
    """The origin of the HLS files when another host serves them (the ingest server's)."""
    parts = urlsplit(settings.SOUK_HLS_BASE_URL)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


@require_safe
def stream_page(request, stream_id: int):
    if stream_id > MAX_ID:
        raise Http404
    try:
        stream = stream_get(stream_id=stream_id)
    except NotFound as error:
        raise Http404(error.message) from error
    context = {
        "stream": stream,
        "gifts": gift_catalogue() if request.user.is_authenticated else [],
        "socket_path": f"/ws/streams/{stream.id}/",
    }
    response = render(request, "site/stream.html", context)
    response[HEADER] = content_security_policy(
        nonce=getattr(request, "csp_nonce", ""),
        media_origins=list(settings.SOUK_CSP_MEDIA_ORIGINS),
        player_origins=_hls_origins(),
    )
    return response
