"""The catalog's admin, on the marketplace site. Rich text goes through the API's sanitiser."""

from django import forms
from django.contrib import admin, messages

from catalog.models import (
    AvailabilityEntry,
    Category,
    Favorite,
    Listing,
    ListingPackage,
    ListingType,
    ProviderProfile,
    TicketTier,
    Vouch,
    WeeklyHours,
)
from catalog.services.html import sanitise_html
from catalog.services.listings import listing_feature_set, listing_transition
from config.errors import ServiceError
from tenants.admin_sites import marketplace_site


# The admin builds each form's Meta (model and fields) from its ModelAdmin.
class ProviderProfileForm(forms.ModelForm):
    def clean_bio(self) -> str:
        return sanitise_html(self.cleaned_data["bio"])


class ListingForm(forms.ModelForm):
    def clean_description(self) -> str:
        return sanitise_html(self.cleaned_data["description"])


class ListingPackageForm(forms.ModelForm):
    def clean_description(self) -> str:
        return sanitise_html(self.cleaned_data["description"])


@admin.register(Category, site=marketplace_site)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_select_related = ["parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ListingType, site=marketplace_site)
class ListingTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "pricing", "process", "position"]
    list_filter = ["pricing"]
    search_fields = ["name", "slug"]


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


@admin.register(ProviderProfile, site=marketplace_site)
class ProviderProfileAdmin(admin.ModelAdmin):
    form = ProviderProfileForm
    list_display = [
        "display_name",
        "user",
        "location_name",
        "badges",
        "rating_avg",
        "completeness",
        "is_online",
        "featured",
        "created_at",
    ]
    list_select_related = ["user"]
    list_filter = ["featured", "is_online", "categories"]
    search_fields = ["display_name", "user__email", "location_name", "tags"]
    raw_id_fields = ["user"]
    filter_horizontal = ["categories"]
    readonly_fields = [
        "created_at",
        "updated_at",
        "rating_count",
        "rating_sum",
        "rating_avg",
        "completeness",
        "last_seen_at",
    ]
    inlines = [WeeklyHoursInline]


class ListingPackageInline(admin.TabularInline):
    model = ListingPackage
    form = ListingPackageForm
    extra = 0


class TicketTierInline(admin.TabularInline):
    model = TicketTier
    extra = 0
    readonly_fields = ["sold"]


def _transition(action: str, to_status: str):
    """An admin action that moves listings through the service, one listing at a time."""

    @admin.action(description=f"{action.title()} selected listings")
    def run(modeladmin, request, queryset):
        done = 0
        for listing_id in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                listing_transition(actor=request.user, listing_id=listing_id, to_status=to_status)
                done += 1
            except ServiceError as exc:
                modeladmin.message_user(request, f"#{listing_id}: {exc.message}", messages.WARNING)
        modeladmin.message_user(request, f"{done} listing(s) {to_status}.")

    run.__name__ = f"{action}_listings"
    return run


def _feature(featured: bool):
    @admin.action(description="Feature selected listings" if featured else "Stop featuring them")
    def run(modeladmin, request, queryset):
        for listing_id in queryset.order_by("pk").values_list("pk", flat=True):
            listing_feature_set(actor=request.user, listing_id=listing_id, featured=featured)

    run.__name__ = "feature_listings" if featured else "unfeature_listings"
    return run


@admin.register(Listing, site=marketplace_site)
class ListingAdmin(admin.ModelAdmin):
    form = ListingForm
    list_display = [
        "title",
        "provider",
        "category",
        "listing_type",
        "status",
        "price_minor",
        "currency",
        "featured",
        "published_at",
    ]
    list_select_related = ["provider", "category", "listing_type"]
    list_filter = ["status", "featured", "listing_type", "category", "currency"]
    search_fields = ["title", "slug", "provider__display_name", "provider__user__email"]
    raw_id_fields = ["provider"]
    date_hierarchy = "created_at"
    # Status and featuring change only through the services (actions below).
    readonly_fields = ["status", "featured", "published_at", "created_at", "updated_at"]
    inlines = [ListingPackageInline, TicketTierInline]
    actions = [
        _transition("pause", Listing.Status.PAUSED),
        _transition("archive", Listing.Status.ARCHIVED),
        _feature(True),
        _feature(False),
    ]


@admin.register(Vouch, site=marketplace_site)
class VouchAdmin(admin.ModelAdmin):
    list_display = ["voucher", "vouchee", "skill_area", "created_at"]
    list_select_related = ["voucher", "vouchee"]
    list_filter = ["skill_area"]
    search_fields = ["voucher__display_name", "vouchee__display_name", "skill_area"]
    raw_id_fields = ["voucher", "vouchee"]


@admin.register(AvailabilityEntry, site=marketplace_site)
class AvailabilityEntryAdmin(admin.ModelAdmin):
    list_display = ["provider", "date", "start_time", "end_time", "status", "note"]
    list_select_related = ["provider"]
    list_filter = ["status"]
    search_fields = ["provider__display_name"]
    raw_id_fields = ["provider"]
    date_hierarchy = "date"


@admin.register(Favorite, site=marketplace_site)
class FavoriteAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "listing", "created_at"]
    list_select_related = ["user", "provider", "listing"]
    search_fields = ["user__email", "provider__display_name", "listing__title"]
    raw_id_fields = ["user", "provider", "listing"]
