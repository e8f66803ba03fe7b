"""Auto-reload of the prepaid balance over the API: a customer reads and sets theirs, per
currency (billing.services.auto_reload)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields
from api.inputs import validated
from api.responses import NOT_FOUND, UNAUTHENTICATED, error
from billing.api.top_ups import known_currency
from billing.models import AutoReload, SavedPaymentMethod
from billing.money import Money
from billing.selectors.auto_reload import auto_reload_get, auto_reloads_of
from billing.services.auto_reload import auto_reload_set

TAGS = ["wallet"]


class SavedMethodSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedPaymentMethod
        fields = ["id", "provider", "label"]


class AutoReloadSerializer(serializers.ModelSerializer):
    method = SavedMethodSerializer(allow_null=True)

    class Meta:
        model = AutoReload
        fields = ["currency", "enabled", "threshold_minor", "amount_minor", "method",
                  "last_payment_reference", "last_failure_code", "last_failure_at",
                  "updated_at"]  # fmt: skip


class AutoReloadSetSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    threshold_minor = fields.amount_minor(help_text="Reload when a charge leaves less than this.")
    amount_minor = fields.amount_minor(min_value=1, help_text="How much each reload adds.")
    method_id = fields.row_id(
        allow_null=True, required=False, default=None,
        help_text="One of your saved payment methods (required to enable).",
    )  # fmt: skip


class AutoReloadListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Your auto-reload settings, one per currency.",
        responses={200: AutoReloadSerializer(many=True), 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return Response(AutoReloadSerializer(auto_reloads_of(viewer=request.user), many=True).data)


class AutoReloadDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Your auto-reload settings in one currency.",
        responses={200: AutoReloadSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, currency: str):
        return Response(
            AutoReloadSerializer(auto_reload_get(viewer=request.user, currency=currency)).data
        )

    @extend_schema(
        tags=TAGS,
        summary="Set your auto-reload in one currency.",
        description="When a charge leaves your balance under `threshold_minor`, your saved "
        "method is charged `amount_minor` once; a failure is e-mailed to you and shown here "
        "(`last_failure_code`), and nothing is retried until the balance crosses again. "
        "Saving clears the last failure.",
        request=AutoReloadSetSerializer,
        responses={
            200: AutoReloadSerializer,
            400: error("`invalid`, `method_required`."),
            401: UNAUTHENTICATED,
            404: error("`method_not_found`: not one of your saved methods."),
            422: error(
                "`off_session_not_supported`, `provider_not_enabled`, `currency_not_accepted`, "
                "`top_up_out_of_bounds`."
            ),
        },
        examples=[
            OpenApiExample(
                "Add 20.00 when under 5.00",
                value={
                    "enabled": True,
                    "threshold_minor": 500,
                    "amount_minor": 2000,
                    "method_id": 7,
                },  # fmt: skip
                request_only=True,
            )
        ],
    )
    def put(self, request, currency: str):
        currency = known_currency(currency)
        data = validated(AutoReloadSetSerializer, request.data).validated_data
        reload = auto_reload_set(
            actor=request.user,
            currency=currency,
            enabled=data["enabled"],
            threshold=Money(data["threshold_minor"], currency),
            amount=Money(data["amount_minor"], currency),
            method_id=data["method_id"],
        )
        return Response(
            AutoReloadSerializer(
                auto_reload_get(viewer=request.user, currency=reload.currency)
            ).data
        )
