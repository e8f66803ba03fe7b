from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.permissions import IsMarketplaceStaff
from api.responses import UNAUTHENTICATED, error
from bookings.services.limits import SETTING_RANGES, marketplace_limits_update
from tenants.db import connection
from tenants.models import Marketplace
from themes.models import Theme


class MarketplaceSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    preset = serializers.CharField()
    default_currency = serializers.CharField()
    accepted_currencies = serializers.ListField(child=serializers.CharField())
    default_language = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    text_direction = serializers.CharField()
    time_zone = serializers.CharField()
    commission_bps = serializers.IntegerField()
    buyer_fee_bps = serializers.IntegerField()
    minimum_fee_minor = serializers.IntegerField()
    deposit_bps = serializers.IntegerField()
    payment_providers = serializers.ListField(child=serializers.CharField())
    customer_hold_limit = serializers.IntegerField(
        help_text="Unpaid bookings holding time, tickets or stock one customer may have open "
        "at once on one listing (0: no limit)."
    )
    customer_unit_limit = serializers.IntegerField(
        help_text="Tickets or units of limited stock one customer may hold or own on one "
        "listing, paid or not (0: no limit)."
    )
    customer_booking_rate = serializers.IntegerField(
        help_text="Bookings one customer may make per hour (0: no limit)."
    )
    booking_horizon_days = serializers.IntegerField(
        help_text="How many days ahead a date booking may end."
    )
    minimum_payout_minor = serializers.IntegerField(
        help_text="The least a price must leave the provider after the marketplace's fee, in "
        "minor units (1: never nothing)."
    )
    balance_due_days = serializers.IntegerField(
        help_text="A deposit booking's balance is due this many days before it starts (0: no "
        "due day). It is charged to the card saved with the deposit, or asked for by a "
        "payment link."
    )
    balance_grace_hours = serializers.IntegerField(
        help_text="How long an unpaid balance waits after it fell due (a reminder halfway) "
        "before the booking is cancelled as by the customer."
    )
    top_up_minimum_minor = serializers.IntegerField(
        help_text="The least one prepaid top-up adds, in minor units of the default currency."
    )
    top_up_maximum_minor = serializers.IntegerField(
        help_text="The most one prepaid top-up adds, in minor units of the default currency."
    )


def _limit(field: str) -> serializers.IntegerField:
    low, high = SETTING_RANGES[field]
    return serializers.IntegerField(min_value=low, max_value=high, required=False)


class MarketplaceLimitsSerializer(serializers.Serializer):
    customer_hold_limit = _limit("customer_hold_limit")
    customer_unit_limit = _limit("customer_unit_limit")
    customer_booking_rate = _limit("customer_booking_rate")
    booking_horizon_days = _limit("booking_horizon_days")
    minimum_payout_minor = _limit("minimum_payout_minor")
    balance_due_days = _limit("balance_due_days")
    balance_grace_hours = _limit("balance_grace_hours")
    top_up_minimum_minor = _limit("top_up_minimum_minor")
    top_up_maximum_minor = _limit("top_up_maximum_minor")


MARKETPLACE_INFO = inline_serializer(
    "MarketplaceInfo",
    {"marketplace": MarketplaceSerializer(), "theme": serializers.DictField()},
)


def _theme_tokens(theme: Theme) -> dict:
    # "colors": the default scheme's, as before the light and dark schemes.
    return {
        "dark_mode": theme.dark_mode,
        "colors": theme.dark if theme.dark_mode else theme.light,
        "light": theme.light,
        "dark": theme.dark,
        "fonts": {"heading": theme.font_heading, "body": theme.font_body},
        "radius": f"{theme.radius}px",
    }


def _info(marketplace: Marketplace) -> dict:
    theme = Theme.objects.first()
    return {
        "marketplace": MarketplaceSerializer(marketplace).data,
        "theme": _theme_tokens(theme) if theme else {},
    }


class MarketplaceView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsMarketplaceStaff()]

    @extend_schema(
        responses=MARKETPLACE_INFO,
        summary="The marketplace this host serves, with its fee policy, anti-hoarding limits "
        "and theme tokens.",
    )
    def get(self, request):
        # The routing cache's row: a change publishes an invalidation to every process.
        return Response(_info(connection.tenant))

    @extend_schema(
        request=MarketplaceLimitsSerializer,
        responses={
            200: MARKETPLACE_INFO,
            400: error("`invalid`: a setting out of range, or none sent."),
            401: UNAUTHENTICATED,
            403: error("`forbidden`: only this marketplace's staff set its limits."),
        },
        summary="Staff: set the marketplace's anti-hoarding limits (0 lifts a limit), booking "
        "horizon, minimum payout, balance due day and grace, and top-up bounds.",
        description="The top-up minimum may not be above the top-up maximum (400 naming "
        "`top_up_minimum_minor`).",
        examples=[
            OpenApiExample(
                "One unpaid hold per listing, 30 bookings an hour",
                value={"customer_hold_limit": 1, "customer_booking_rate": 30},
                request_only=True,
            )
        ],
    )
    def patch(self, request):
        changes = validated(MarketplaceLimitsSerializer, request.data).validated_data
        # The row as saved: this process's routing cache is cleared only after the commit.
        return Response(_info(marketplace_limits_update(actor=request.user, changes=changes)))


marketplace_detail = MarketplaceView.as_view()
