"""Staff refunds of a booking or order, through the providers that took the money."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.idempotency import IDEMPOTENCY_KEY, idempotency_key
from api.inputs import validated
from api.permissions import IsMarketplaceStaff
from api.responses import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, error
from bookings.services.refunds import booking_refund

TAGS = ["payments"]


class BookingRefundCreateSerializer(serializers.Serializer):
    amount_minor = fields.amount_minor(
        min_value=1, required=False, allow_null=True,
        help_text="Default: all that is refundable (paid through Souk's providers, not yet "
        "refunded nor released).",
    )  # fmt: skip
    reason = serializers.CharField(max_length=1000, allow_blank=True, default="")


class RefundShareSerializer(serializers.Serializer):
    provider = serializers.CharField()
    amount_minor = serializers.IntegerField()
    refunded_by = serializers.ChoiceField(
        choices=["provider", "manual"],
        help_text="`provider`: the provider sends it back; `manual`: the provider cannot "
        "(e.g. FIB refunds only in full), staff pay it back by hand.",
    )


class BookingRefundSerializer(serializers.Serializer):
    booking_id = serializers.IntegerField()
    booking_state = serializers.CharField(
        help_text="A product order refunded in full moves to `refunded` and its stock is back."
    )
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()
    manual_refund_required = serializers.BooleanField()
    refunds = RefundShareSerializer(many=True)


class BookingRefundView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Staff: refund a booking or order, in part or in full.",
        description="Each share (the provider's pending earnings, the fees) gives in "
        "proportion; the money goes back through the providers that took it, after commit. "
        "A product order refunded in full takes its `refund` step and gets its stock back, in "
        "the same transaction. The same Idempotency-Key answers the first refund again.",
        parameters=[IDEMPOTENCY_KEY],
        request=BookingRefundCreateSerializer,
        responses={
            201: BookingRefundSerializer,
            400: error("`invalid`, `idempotency_key_required`."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error("`idempotency_key_reused`."),
            422: error("`nothing_to_refund`; `refund_exceeds_paid` (`details.refundable_minor`)."),
        },
        examples=[
            OpenApiExample(
                "Part of it back",
                value={"amount_minor": 1000, "reason": "Late delivery"},
                request_only=True,
            )
        ],
    )
    def post(self, request, booking_id: int):
        key = idempotency_key(request, per_user=True)
        data = validated(BookingRefundCreateSerializer, request.data).validated_data
        booking, outcome = booking_refund(
            actor=request.user,
            booking_id=booking_id,
            amount_minor=data.get("amount_minor"),
            reason=data["reason"],
            idempotency_key=key,
        )
        body = {
            "booking_id": booking.pk,
            "booking_state": booking.state,
            "amount_minor": outcome.amount.amount_minor,
            "currency": outcome.amount.currency,
            "manual_refund_required": outcome.manual_refund_required,
            "refunds": [
                {"provider": s.provider, "amount_minor": s.amount.amount_minor,
                 "refunded_by": s.refunded_by}
                for s in outcome.shares
            ],
        }  # fmt: skip
        return Response(BookingRefundSerializer(body).data, status=status.HTTP_201_CREATED)
