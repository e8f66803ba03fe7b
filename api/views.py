from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from tenants.db import connection
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


@extend_schema(
    responses=inline_serializer(
        "MarketplaceInfo",
        {"marketplace": MarketplaceSerializer(), "theme": serializers.DictField()},
    ),
    summary="The marketplace this host serves, with its fee policy and theme tokens.",
)
@api_view(["GET"])
@permission_classes([AllowAny])
def marketplace_detail(request):
    theme = Theme.objects.first()
    return Response(
        {
            "marketplace": MarketplaceSerializer(connection.tenant).data,
            "theme": {"dark_mode": theme.dark_mode, **theme.tokens} if theme else {},
        }
    )
