"""A payment as its payer sees it: what it is for, where it stands, and what to do next."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.responses import NOT_FOUND, UNAUTHENTICATED, error
from billing.models import Payment
from billing.selectors.payments import payment_get
from billing.services.returns import payment_return_check

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
    manual_refund_required = serializers.SerializerMethodField(
        help_text="A refund was decided that the provider cannot pay back (NassWallet has no "
        "refund API; FIB refunds only in full): staff refund the customer by hand."
    )

    class Meta:
        model = Payment
        fields = ["reference", "provider", "purpose", "amount_minor", "currency", "state",
                  "refunded_minor", "manual_refund_required", "next_action", "expires_at",
                  "paid_at", "created_at"]  # fmt: skip

    def get_manual_refund_required(self, instance) -> bool:
        return instance.failure_code == "manual_refund_required"

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["next_action"] = instance.next_action or None
        return data


class PaymentReturnSerializer(serializers.Serializer):
    query = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500),
        help_text="The parameters the provider added to your return URL, as they came (areeba: "
        "`resultIndicator`).",
    )


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


class PaymentReturnView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="The customer is back from the provider's page: check the payment now.",
        description="Send what the provider added to the return URL. Where the provider proves "
        "the return (areeba's `resultIndicator` must equal what its checkout announced), a "
        "return that does not match is refused and changes nothing; otherwise Souk asks the "
        "provider for the payment's status at once. Only the provider's word moves a payment, "
        "so repeating this is harmless.",
        request=PaymentReturnSerializer,
        responses={
            200: PaymentSerializer,
            400: error("`invalid`."),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            422: error("`return_not_verified`, `provider_not_enabled`."),
            502: error("The provider could not be reached."),
        },
    )
    def post(self, request, reference: str):
        payment = payment_get(viewer=request.user, reference=reference)
        given = PaymentReturnSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        payment = payment_return_check(payment=payment, query=given.validated_data["query"])
        return Response(PaymentSerializer(payment).data)
