"""Prepaid top-ups over the API: a customer opens one through a provider and lists theirs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.idempotency import IDEMPOTENCY_KEY, idempotency_key
from api.inputs import validated
from api.pagination import PAGE_PARAMETERS, page_of, paginated
from api.responses import UNAUTHENTICATED, error
from billing.api.payments import PaymentSerializer
from billing.money import CURRENCY_EXPONENTS, Money, MoneyError
from billing.providers.registry import DRIVERS
from billing.selectors.top_ups import top_ups_of
from billing.services.top_ups import top_up_start

TAGS = ["wallet"]


class TopUpCreateSerializer(serializers.Serializer):
    amount_minor = fields.amount_minor(
        min_value=1, help_text="In minor units of `currency` (fils, cents)."
    )
    currency = fields.currency(CURRENCY_EXPONENTS, help_text="A currency the marketplace takes.")
    provider = serializers.ChoiceField(
        choices=sorted(DRIVERS), help_text="A provider this marketplace uses."
    )
    return_url = serializers.URLField(
        max_length=500, help_text="Where the provider sends the customer back."
    )
    save_method = serializers.BooleanField(
        default=False,
        help_text="Keep the payment method for auto-reload (only providers that charge a "
        "saved method off-session, else 422 `off_session_not_supported`).",
    )

    def validate_currency(self, value: str) -> str:
        return known_currency(value)


def known_currency(value: str) -> str:
    try:
        Money.zero(value)
    except MoneyError as exc:
        raise serializers.ValidationError(_("Not a currency.")) from exc
    return value


class TopUpListCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Your top-ups, newest first.",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(PaymentSerializer), 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return paginated(self, request, top_ups_of(viewer=request.user), PaymentSerializer)

    @extend_schema(
        tags=TAGS,
        summary="Top up your prepaid balance through a provider.",
        description="Answers the payment with its `next_action`; the balance grows once the "
        "provider confirms it (poll `GET /api/v1/payments/{reference}/`). The currency must be "
        "one the marketplace takes, the amount within its top-up bounds (in its default "
        "currency), the provider one it uses, and the Idempotency-Key header 8 to 64 "
        "characters.",
        parameters=[IDEMPOTENCY_KEY],
        request=TopUpCreateSerializer,
        responses={
            201: PaymentSerializer,
            400: error("`invalid`, `idempotency_key_required`."),
            401: UNAUTHENTICATED,
            409: error("`idempotency_key_reused`."),
            422: error(
                "`currency_not_accepted`, `top_up_out_of_bounds`, `provider_not_enabled`, "
                "`off_session_not_supported`; the provider's own refusals, e.g. "
                "`amount_not_whole_dinars`."
            ),
            502: error("`provider_unavailable`: the provider could not be reached."),
        },
        examples=[
            OpenApiExample(
                "25,000 IQD through FIB",
                value={
                    "amount_minor": 25_000_000,
                    "currency": "IQD",
                    "provider": "fib",
                    "return_url": "https://talent.example/wallet",
                },  # fmt: skip
                request_only=True,
            )
        ],
    )
    def post(self, request):
        key = idempotency_key(request)
        data = validated(TopUpCreateSerializer, request.data).validated_data
        payment = top_up_start(
            actor=request.user,
            amount=Money(data["amount_minor"], data["currency"]),
            provider=data["provider"],
            idempotency_key=key,
            return_url=data["return_url"],
            save_method=data["save_method"],
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)
