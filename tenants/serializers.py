from datetime import datetime

from rest_framework import serializers

from tenants.models import SLUG_PATTERN, Marketplace
from tenants.presets import all_presets
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
