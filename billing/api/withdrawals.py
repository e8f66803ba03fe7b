"""Withdrawals: a provider asks to be paid their available earnings, within the marketplace's
minimum and on its schedule (set by staff here)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.idempotency import IDEMPOTENCY_KEY, idempotency_key
from api.inputs import validated
from api.permissions import IsMarketplaceStaff, IsProvider
from api.responses import FORBIDDEN, UNAUTHENTICATED, error
from billing.api.payouts import PayoutSerializer
from billing.money import CURRENCY_EXPONENTS
from billing.services.withdrawals import (
    SCHEDULES,
    SETTING_FIELDS,
    withdrawal_request,
    withdrawal_settings_update,
)
from tenants.db import connection
from tenants.models import Marketplace

TAGS = ["payouts"]


class WithdrawalCreateSerializer(serializers.Serializer):
    amount_minor = fields.amount_minor(min_value=1)
    currency = fields.currency(
        CURRENCY_EXPONENTS, required=False, help_text="Default: the marketplace's."
    )


class WithdrawalSettingsSerializer(serializers.Serializer):
    withdrawal_minimum_minor = serializers.IntegerField(
        min_value=0, max_value=10**12, required=False,
        help_text="The least a provider may withdraw, in minor units of the default currency.",
    )  # fmt: skip
    withdrawal_schedule = serializers.ChoiceField(
        choices=SCHEDULES, required=False,
        help_text="`anytime`: paid at once; `weekly` on `withdrawal_weekday`; `monthly` on "
        "`withdrawal_month_day` (from midnight in the marketplace's time zone).",
    )  # fmt: skip
    withdrawal_weekday = serializers.IntegerField(
        min_value=0, max_value=6, required=False, help_text="0 Monday … 6 Sunday."
    )
    withdrawal_month_day = serializers.IntegerField(min_value=1, max_value=28, required=False)


def _settings(marketplace: Marketplace) -> dict:
    return {field: getattr(marketplace, field) for field in SETTING_FIELDS}


class WithdrawalView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        tags=TAGS,
        summary="Provider: withdraw available earnings (paid on the marketplace's next run).",
        description="The amount leaves your available balance at once and is paid on the next "
        "run of the marketplace's schedule (`scheduled_for`); cancel it until then with "
        "`POST /api/v1/payouts/{reference}/cancel/`. One open withdrawal at a time.",
        parameters=[IDEMPOTENCY_KEY],
        request=WithdrawalCreateSerializer,
        responses={
            201: PayoutSerializer,
            400: error("`invalid`, `idempotency_key_required`."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            409: error("`withdrawal_open`, `idempotency_key_reused`."),
            422: error(
                "`below_minimum` (`details.minimum_minor`), `exceeds_available` "
                "(`details.available_minor`)."
            ),
        },
        examples=[OpenApiExample("Withdraw $50", value={"amount_minor": 5000}, request_only=True)],
    )
    def post(self, request):
        key = idempotency_key(request, per_user=True)
        data = validated(WithdrawalCreateSerializer, request.data).validated_data
        payout = withdrawal_request(
            actor=request.user,
            amount_minor=data["amount_minor"],
            currency=data.get("currency", "").upper() or None,
            idempotency_key=key,
        )
        return Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)


class WithdrawalSettingsView(APIView):
    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "GET" else [IsMarketplaceStaff()]

    @extend_schema(
        tags=TAGS,
        summary="The marketplace's withdrawal minimum and schedule.",
        responses={200: WithdrawalSettingsSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return Response(_settings(Marketplace.objects.get(pk=connection.tenant.pk)))

    @extend_schema(
        tags=TAGS,
        summary="Staff: set the withdrawal minimum and schedule.",
        request=WithdrawalSettingsSerializer,
        responses={200: WithdrawalSettingsSerializer, 400: error("`invalid`."), 403: FORBIDDEN},
        examples=[
            OpenApiExample(
                "Weekly on Fridays, at least $20",
                value={"withdrawal_schedule": "weekly", "withdrawal_weekday": 4,
                       "withdrawal_minimum_minor": 2000},
                request_only=True,
            )
        ],
    )  # fmt: skip
    def patch(self, request):
        changes = validated(WithdrawalSettingsSerializer, request.data).validated_data
        return Response(_settings(withdrawal_settings_update(actor=request.user, changes=changes)))
