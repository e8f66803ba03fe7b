"""Views that answer with a file, an image or a page (a ticket's page and QR image, a delivered
file) and keep these private: ``no-store``, ``no-referrer``, not indexed. Their errors are JSON.
"""

from __future__ import annotations

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


# Lets content negotiation accept the file, image or page a raw view returns itself.
class _AnyMediaType(BaseRenderer):
    media_type = "*/*"
    format = "raw"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


# A view that answers with a file, an image or a page; its errors are JSON all the same.
class RawView(APIView):
    renderer_classes = [_AnyMediaType]

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in PRIVATE_HEADERS.items():
            response[name] = value
        return response
