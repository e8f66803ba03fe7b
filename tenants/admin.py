from django.contrib import admin

from tenants.db import connection
from tenants.models import Domain, Marketplace, MarketplaceEvent


class PublicOnlyAdmin(admin.ModelAdmin):
    """Marketplaces are managed from the operator host only."""

    def has_module_permission(self, request):
        return connection.schema_name == "public" and super().has_module_permission(request)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Marketplace)
class MarketplaceAdmin(PublicOnlyAdmin):
    list_display = ["name", "slug", "preset", "status", "default_currency", "created_at"]
    list_filter = ["preset", "status"]
    search_fields = ["name", "slug", "owner_email"]
    readonly_fields = ["schema_name", "preset", "created_at", "updated_at"]
    inlines = [DomainInline]


@admin.register(MarketplaceEvent)
class MarketplaceEventAdmin(PublicOnlyAdmin):
    list_display = ["marketplace_slug", "action", "actor", "created_at"]
    list_filter = ["action"]
