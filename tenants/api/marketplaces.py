"""Marketplaces, for the operator: list, launch from a preset, suspend, resume, delete and
restore, and each one's usage."""

from datetime import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsOperator
from api.query import StrictQuerySerializer, WholeNumber
from api.responses import error
from tenants import services
from tenants.models import SLUG_PATTERN, Marketplace
from tenants.presets import all_presets
from tenants.selectors.usage import MONTHS_DEFAULT, MONTHS_MAX, marketplace_usage
from tenants.services import purge_after
from tenants.services.provisioning import HOST_PATTERN


class MarketplaceCreateSerializer(serializers.Serializer):
    preset = serializers.ChoiceField(choices=[])
    name = serializers.CharField(max_length=120)
    owner_email = serializers.EmailField(max_length=254)
    domain = serializers.RegexField(
        HOST_PATTERN.pattern,
        max_length=253,
        required=False,
        allow_blank=True,
        help_text="A lowercase host name not yet taken; blank: the slug under SOUK_BASE_DOMAIN.",
    )
    slug = serializers.RegexField(
        SLUG_PATTERN,
        max_length=42,
        required=False,
        allow_blank=True,
        help_text="Not yet taken nor reserved; blank: made from the name.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        preset = self.fields["preset"]
        assert isinstance(preset, serializers.ChoiceField)
        preset.choices = sorted(all_presets())


class MarketplaceOutSerializer(serializers.ModelSerializer):
    domains = serializers.SerializerMethodField()
    purge_after = serializers.SerializerMethodField()

    class Meta:
        model = Marketplace
        fields = [
            "slug",
            "name",
            "preset",
            "status",
            "schema_name",
            "owner_email",
            "domains",
            "default_currency",
            "accepted_currencies",
            "default_language",
            "languages",
            "text_direction",
            "time_zone",
            "commission_bps",
            "buyer_fee_bps",
            "minimum_fee_minor",
            "deposit_bps",
            "payment_providers",
            "created_at",
            "deleted_at",
            "purge_after",
        ]

    def get_domains(self, obj) -> list[dict]:
        return [{"domain": d.domain, "is_primary": d.is_primary} for d in obj.domains.all()]

    def get_purge_after(self, obj) -> datetime | None:
        """When a deleted marketplace will be purged; null unless deleted."""
        return purge_after(obj)


def _actor(request) -> str:
    return request.user.email


class MarketplaceListCreate(APIView):
    permission_classes = [IsOperator]

    @extend_schema(responses=MarketplaceOutSerializer(many=True), summary="List marketplaces")
    def get(self, request):
        marketplaces = Marketplace.objects.prefetch_related("domains")
        return Response(MarketplaceOutSerializer(marketplaces, many=True).data)

    @extend_schema(
        request=MarketplaceCreateSerializer,
        responses={
            201: MarketplaceOutSerializer,
            400: error("`invalid`: fields not valid; `taken`: the slug or domain is taken."),
        },
        summary="Launch a marketplace from a preset",
    )
    def post(self, request):
        serializer = MarketplaceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        marketplace = services.marketplace_create(
            preset=data["preset"],
            name=data["name"],
            owner_email=data["owner_email"],
            domain=data.get("domain") or None,
            slug=data.get("slug") or None,
            actor=_actor(request),
        )
        marketplace = Marketplace.objects.prefetch_related("domains").get(pk=marketplace.pk)
        return Response(MarketplaceOutSerializer(marketplace).data, status=status.HTTP_201_CREATED)


class _OneMarketplace(APIView):
    """One marketplace by slug. Each address below offers only its own methods: an action's
    address must not inherit the detail's DELETE."""

    permission_classes = [IsOperator]

    def get_object(self, slug):
        return get_object_or_404(Marketplace.objects.prefetch_related("domains"), slug=slug)


class MarketplaceDetail(_OneMarketplace):
    @extend_schema(responses=MarketplaceOutSerializer, summary="One marketplace")
    def get(self, request, slug):
        return Response(MarketplaceOutSerializer(self.get_object(slug)).data)

    @extend_schema(
        responses={
            200: MarketplaceOutSerializer,
            409: error("`already_deleted`."),
        },
        summary="Delete a marketplace (soft: purged after the grace period, restorable until)",
        description="Needs the operator permission tenants.delete_marketplace. The marketplace "
        "stays readable here, with status `deleted` and `purge_after`, until it is purged.",
    )
    def delete(self, request, slug):
        marketplace = services.marketplace_delete(
            marketplace=self.get_object(slug), actor=request.user
        )
        return Response(MarketplaceOutSerializer(self.get_object(marketplace.slug)).data)


class MarketplaceSuspend(_OneMarketplace):
    @extend_schema(
        request=None,
        responses={
            200: MarketplaceOutSerializer,
            409: error("`already_suspended`, or `deleted` (restore it first)."),
        },
        summary="Suspend",
    )
    def post(self, request, slug):
        marketplace = services.marketplace_suspend(
            marketplace=self.get_object(slug), actor=_actor(request)
        )
        return Response(MarketplaceOutSerializer(self.get_object(marketplace.slug)).data)


class MarketplaceResume(_OneMarketplace):
    @extend_schema(
        request=None,
        responses={
            200: MarketplaceOutSerializer,
            409: error("`already_active`, or `deleted` (restore it first)."),
        },
        summary="Resume",
    )
    def post(self, request, slug):
        marketplace = services.marketplace_resume(
            marketplace=self.get_object(slug), actor=_actor(request)
        )
        return Response(MarketplaceOutSerializer(self.get_object(marketplace.slug)).data)


class MarketplaceRestore(_OneMarketplace):
    @extend_schema(
        request=None,
        responses={
            200: MarketplaceOutSerializer,
            409: error("`not_deleted`, or `grace_period_over`."),
        },
        summary="Restore a deleted marketplace within the grace period",
        description="Needs the operator permission tenants.delete_marketplace.",
    )
    def post(self, request, slug):
        marketplace = services.marketplace_restore(
            marketplace=self.get_object(slug), actor=request.user
        )
        return Response(MarketplaceOutSerializer(self.get_object(marketplace.slug)).data)


class UsageQuerySerializer(StrictQuerySerializer):
    months = WholeNumber(
        minimum=1,
        maximum=MONTHS_MAX,
        help_text=f"How many months are counted by month (default {MONTHS_DEFAULT}).",
    )


class MarketplaceUsageView(_OneMarketplace):
    @extend_schema(
        parameters=[UsageQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
        summary="Usage: users, listings, bookings, money by month, database and storage size",
        description="The marketplace's users, listings and bookings (totals and by month), the "
        "money its ledger moved by month and currency (GMV, platform and buyer fees, refunds, "
        "payouts, in minor units), the size of its schema in PostgreSQL and of its files "
        "(public media and private files), in bytes. The same as `manage.py marketplace_usage`.",
    )
    def get(self, request, slug):
        months = UsageQuerySerializer.validated_query(request.query_params).get("months")
        usage = marketplace_usage(
            marketplace=self.get_object(slug), months=months or MONTHS_DEFAULT
        )
        return Response(usage)
