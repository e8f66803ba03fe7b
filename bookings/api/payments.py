"""Paying for a booking: open a payment through one of the marketplace's providers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.idempotency import IDEMPOTENCY_KEY, idempotency_key
from api.responses import NOT_FOUND, UNAUTHENTICATED, error
from billing.api.payments import PaymentSerializer
from billing.providers.registry import DRIVERS
from bookings.services.payments import booking_payment_start

TAGS = ["payments"]


class BookingPaymentCreateSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(
        choices=sorted(DRIVERS), help_text="A provider this marketplace uses."
    )
    return_url = serializers.URLField(
        max_length=500, help_text="Where the provider sends the customer back."
    )


class BookingPaymentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Pay for a booking (its customer): what is owed now, through a provider.",
        description="Owed now is the rest of the deposit while the deposit step is still to "
        "take, else everything still due. Answers the payment with its `next_action`. The "
        "booking moves on once the provider confirms the payment.",
        parameters=[IDEMPOTENCY_KEY],
        request=BookingPaymentCreateSerializer,
        responses={
            201: PaymentSerializer,
            400: error("`invalid`, `idempotency_key_required`."),
            401: UNAUTHENTICATED,
            403: error("`wrong_actor`: only the customer pays."),
            404: NOT_FOUND,
            409: error("`not_awaiting_payment`, `idempotency_key_reused`."),
            422: error(
                "`provider_not_enabled`; the provider's own refusals, e.g. "
                "`amount_not_whole_dinars`, `currency_not_supported`."
            ),
            502: error("`provider_unavailable`: the provider could not be reached."),
        },
    )
    def post(self, request, booking_id: int):
        key = idempotency_key(request)
        given = BookingPaymentCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        payment = booking_payment_start(
            actor=request.user,
            booking_id=booking_id,
            provider=given.validated_data["provider"],
            return_url=given.validated_data["return_url"],
            idempotency_key=key,
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)
