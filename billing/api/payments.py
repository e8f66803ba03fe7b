"""A payment as its payer sees it: what it is for, where it stands, and what to do next."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.responses import NOT_FOUND, UNAUTHENTICATED
from billing.models import Payment
from billing.selectors.payments import payment_get

TAGS = ["payments"]


class NextActionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=["redirect", "qr", "app_link"],
        help_text="`redirect`: send the customer to `url`; `qr`: show `qr_image` (a PNG data "
        "URL) and `readable_code` to scan or type in the bank's app; `app_link`: open one of "
        "`app_links`.",
    )
    url = serializers.CharField(allow_blank=True)
    qr_image = serializers.CharField(allow_blank=True)
    readable_code = serializers.CharField(allow_blank=True)
    app_links = serializers.DictField(child=serializers.CharField())


class PaymentSerializer(serializers.ModelSerializer):
    next_action = NextActionSerializer(allow_null=True)

    class Meta:
        model = Payment
        fields = ["reference", "provider", "purpose", "amount_minor", "currency", "state",
                  "next_action", "expires_at", "paid_at", "created_at"]  # fmt: skip

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["next_action"] = instance.next_action or None
        return data


class PaymentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="A payment and where it stands (its payer and staff).",
        description="`state` moves only on the provider's own word (its status, fetched by "
        "Souk after each notification and by a periodic check), so a return page can poll "
        "this until it is `paid`, `failed`, `cancelled` or `expired`.",
        responses={200: PaymentSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, reference: str):
        payment = payment_get(viewer=request.user, reference=reference)
        return Response(PaymentSerializer(payment).data)
