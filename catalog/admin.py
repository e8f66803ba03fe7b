from django.contrib import admin
from django.db import connection

from catalog.models import Category, ListingType, ProviderProfile


class MarketplaceOnlyAdmin(admin.ModelAdmin):
    """Catalog tables exist in marketplace schemas only, never on the operator host."""

    def has_module_permission(self, request):
        return connection.schema_name != "public" and super().has_module_permission(request)


@admin.register(Category)
class CategoryAdmin(MarketplaceOnlyAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ListingType)
class ListingTypeAdmin(MarketplaceOnlyAdmin):
    list_display = ["name", "slug", "pricing", "process", "position"]
    list_filter = ["pricing"]


@admin.register(ProviderProfile)
class ProviderProfileAdmin(MarketplaceOnlyAdmin):
    list_display = ["display_name", "tagline", "location_name", "created_at"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__email", "location_name"]
    raw_id_fields = ["user"]
    filter_horizontal = ["categories"]
    readonly_fields = ["created_at"]
