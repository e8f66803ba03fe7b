"""The marketplace's revenue report (staff), for its dashboards to chart."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.permissions import IsMarketplaceStaff
from api.responses import FORBIDDEN, UNAUTHENTICATED, error
from billing.selectors.reports import GROUPS, revenue_report
from tenants.db import connection

TAGS = ["reports"]
MAX_DAYS = 366 * 2


class RevenueQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword, hence declared through the class namespace.
    locals()["from"] = serializers.DateField(required=False)
    to = serializers.DateField(required=False)
    group = serializers.ChoiceField(choices=sorted(GROUPS), default="day")

    def validate(self, attrs):
        today = timezone.localtime(timezone.now(), ZoneInfo(connection.tenant.time_zone)).date()
        attrs.setdefault("to", today)
        attrs.setdefault("from", attrs["to"] - timedelta(days=29))
        if attrs["from"] > attrs["to"] or (attrs["to"] - attrs["from"]).days > MAX_DAYS:
            raise serializers.ValidationError(
                {"from": [f"On or before `to`, at most {MAX_DAYS} days before it."]}
            )
        return attrs


class FiguresSerializer(serializers.Serializer):
    currency = serializers.CharField()
    gmv_minor = serializers.IntegerField(help_text="What buyers paid for what they bought.")
    platform_fees_minor = serializers.IntegerField(help_text="Commission, net of refunds.")
    buyer_fees_minor = serializers.IntegerField(help_text="Buyer fees, net of refunds.")
    refunds_minor = serializers.IntegerField(help_text="Money given back to payers.")
    payouts_minor = serializers.IntegerField(help_text="Money paid out to providers.")


class PeriodSerializer(FiguresSerializer):
    period = serializers.DateField(help_text="The first day of the period.")


class ProviderFiguresSerializer(serializers.Serializer):
    provider_id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    currency = serializers.CharField()
    earnings_minor = serializers.IntegerField(help_text="Their share of sales.")
    refunds_minor = serializers.IntegerField(help_text="The part of their share refunded.")
    payouts_minor = serializers.IntegerField()


class RevenueReportSerializer(serializers.Serializer):
    locals()["from"] = serializers.DateField()
    to = serializers.DateField()
    group = serializers.CharField()
    periods = PeriodSerializer(many=True)
    providers = ProviderFiguresSerializer(many=True)
    totals = FiguresSerializer(many=True)


class RevenueReportView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Staff: revenue from the ledger — GMV, fees, refunds, payouts, per period, "
        "per provider and in total, per currency.",
        description="Days are the marketplace's (its time zone). Periods with no movement are "
        "left out. Amounts in minor units.",
        parameters=[
            OpenApiParameter("from", str, description="First day (YYYY-MM-DD); default 29 "
                             "days before `to`."),
            OpenApiParameter("to", str, description="Last day, included; default today."),
            OpenApiParameter("group", str, enum=sorted(GROUPS), description="Default `day`."),
        ],
        responses={
            200: RevenueReportSerializer,
            400: error("`invalid`."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )  # fmt: skip
    def get(self, request):
        query = validated(RevenueQuerySerializer, request.query_params).validated_data
        report = revenue_report(
            start=query["from"], end=query["to"], time_zone=connection.tenant.time_zone,
            group=query["group"],
        )  # fmt: skip
        return Response(RevenueReportSerializer(report).data)
