"""The marketplace staff's pages, under /staff/ (config/urls.py)."""

from django.urls import path
from django.views.generic.base import RedirectView

from themes.pages.staff import moderation, money, settings, taxonomy, theme

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="staff-theme"), name="staff-home"),
    path("theme/", theme.theme_editor, name="staff-theme"),
    path("theme/preview/", theme.theme_preview_page, name="staff-theme-preview"),
    path("theme/preview.css", theme.theme_preview_css, name="staff-theme-preview-css"),
    path("theme/files/<str:kind>/", theme.theme_file, name="staff-theme-file"),
    path("fees/", settings.fees, name="staff-fees"),
    path("providers/", settings.providers, name="staff-providers"),
    path("providers/<slug:code>/", settings.provider, name="staff-provider"),
    path("categories/", taxonomy.categories, name="staff-categories"),
    path("categories/<int:category_id>/", taxonomy.category, name="staff-category"),
    path(
        "categories/<int:category_id>/delete/",
        taxonomy.category_remove,
        name="staff-category-delete",
    ),
    path("listing-types/", taxonomy.listing_types, name="staff-listing-types"),
    path("listing-types/<int:listing_type_id>/", taxonomy.listing_type, name="staff-listing-type"),
    path("badges/", moderation.badges, name="staff-badges"),
    path("badges/<int:provider_id>/", moderation.badge_change, name="staff-badge-change"),
    path("review-reports/", moderation.review_reports, name="staff-review-reports"),
    path("review-reports/<int:report_id>/", moderation.review_report, name="staff-review-report"),
    path("disputes/", moderation.disputes, name="staff-disputes"),
    path("disputes/<int:booking_id>/", moderation.dispute, name="staff-dispute"),
    path("money/", money.money, name="staff-money"),
    path(
        "money/payouts/<slug:reference>/confirm/",
        money.payout_confirm_page,
        name="staff-payout-confirm",
    ),
    path("money/payouts/<slug:reference>/fail/", money.payout_fail_page, name="staff-payout-fail"),
    path(
        "money/payouts/<slug:reference>/cancel/",
        money.payout_cancel_page,
        name="staff-payout-cancel",
    ),
]
