"""Payment providers, for the marketplace's staff: which are offered, how each is set up, and
setting one up. Credentials go in and never come out: a read says which are set."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.permissions import IsMarketplaceStaff
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED
from billing.models import ProviderAccount
from billing.selectors.providers import provider_account_list
from billing.services.providers import provider_account_configure

TAGS = ["payment providers"]


class ProviderChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    configured = serializers.BooleanField()
    enabled = serializers.BooleanField()
    environment = serializers.CharField(help_text="Empty until configured.")
    environments = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())
    currencies = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="null: any it supports."
    )
    credential_fields = serializers.ListField(child=serializers.CharField())
    optional_credential_fields = serializers.ListField(child=serializers.CharField())
    credentials_set = serializers.ListField(
        child=serializers.CharField(), help_text="Which credentials are stored (never values)."
    )


class ProviderConfigureSerializer(serializers.Serializer):
    environment = serializers.ChoiceField(
        choices=ProviderAccount.Environment.values,
        help_text="One of the provider's `environments` (listed by GET).",
    )
    enabled = serializers.BooleanField(default=True)
    credentials = serializers.DictField(
        child=serializers.CharField(max_length=500, trim_whitespace=False),
        required=False,
        default=dict,
        help_text="Replaces the named credentials and keeps the others; the first "
        "configuration names every required one.",
    )


class ProviderListView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="The payment providers this marketplace may use, and how each is set up.",
        responses={200: ProviderChoiceSerializer(many=True), 401: UNAUTHENTICATED,
                   403: FORBIDDEN},
    )  # fmt: skip
    def get(self, request):
        return Response([asdict(choice) for choice in provider_account_list()])


class ProviderConfigureView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="Set up a payment provider: its environment, credentials, on or off.",
        request=ProviderConfigureSerializer,
        responses={200: ProviderChoiceSerializer, 400: INVALID, 401: UNAUTHENTICATED,
                   403: FORBIDDEN, 404: NOT_FOUND},
        examples=[OpenApiExample("FIB in production", request_only=True, value={
            "environment": "production", "enabled": True,
            "credentials": {"client_id": "shop-17", "client_secret": "…"}})],
    )  # fmt: skip
    def put(self, request, code: str):
        data = validated(ProviderConfigureSerializer, request.data).validated_data
        provider_account_configure(code=code, **data)
        choice = next(c for c in provider_account_list() if c.code == code)
        return Response(asdict(choice))
