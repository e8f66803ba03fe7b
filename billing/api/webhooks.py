"""Payment providers' notifications, one URL per provider on each marketplace's host.

Not part of the client API (providers call it, not apps), so it is left out of the schema. It
reads the raw body (signatures are over the exact bytes) and answers each provider its way.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from billing.services.webhooks import payment_notification_receive


class _RawBody(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream else b""


@extend_schema(exclude=True)
class PaymentWebhookView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [_RawBody]
    throttle_classes: list = []
    provider = ""

    def post(self, request, provider: str):
        body = request.data if isinstance(request.data, bytes) else b""
        status, text = payment_notification_receive(
            provider=provider,
            headers=dict(request.headers),
            body=body,
            query=request.query_params.dict(),
        )
        return HttpResponse(text, status=status, content_type="text/plain")
