"""/providers/<id>/ and /listings/<slug>/: a provider's public profile and a listing, read
through catalog's selectors (and bookings' for reviews) as the API reads them. Another
marketplace's ids and slugs are not in this schema, so they are simply not found; a
deactivated provider and their listings are not found either, as search leaves them out."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from bookings.selectors.reviews import SUB_RATINGS, review_list_of_provider
from catalog.models import Badge, MediaItem
from catalog.selectors.listings import listing_get, provider_listings
from catalog.selectors.media import media_visible
from catalog.selectors.providers import provider_profile_public, vouch_summary
from config.errors import NotFound
from themes.pages.calendar import month_calendar
from themes.pages.checkout.booking import listing_booking

BADGE_LABELS = {
    Badge.INSURANCE: _("Public liability insurance"),
    Badge.DBS: _("DBS checked"),
    Badge.ID: _("Identity verified"),
    Badge.LICENSED: _("Licensed"),
}
SUB_RATING_LABELS = {
    "professionalism": _("Professionalism"),
    "communication": _("Communication"),
    "value": _("Value"),
}
LATEST_REVIEWS = 5
LISTINGS_SHOWN = 24
MAX_ID = 2**63 - 1


def _public_profile(provider_id: int, viewer):
    if provider_id > MAX_ID:  # not an id at all; PostgreSQL would refuse it
        raise Http404
    try:
        return provider_profile_public(provider_id=provider_id, viewer=viewer)
    except NotFound as error:
        raise Http404(error.message) from error


def _gallery(owner, viewer) -> list[MediaItem]:
    """Ready photos and videos with a public file (a manager's unfinished ones left out)."""
    return [
        item
        for item in media_visible(owner=owner, viewer=viewer)
        if item.status == MediaItem.Status.READY and item.file
    ]


def _sub_ratings(figures) -> list[tuple[str, object]]:
    """(label, figure) of each sub-rating given, in SUB_RATINGS' order."""
    return [
        (str(SUB_RATING_LABELS.get(name, name)), figures[name])
        for name in SUB_RATINGS
        if figures.get(name) is not None
    ]


@require_safe
def provider_detail(request, provider_id: int):
    profile = _public_profile(provider_id, request.user)
    reviews, review_summary = review_list_of_provider(provider=profile)
    context = {
        "profile": profile,
        "badges": [BADGE_LABELS.get(badge, badge) for badge in profile.badges],
        "vouches": vouch_summary(provider=profile),
        "gallery": _gallery(profile, request.user),
        "listings": provider_listings(provider=profile, viewer=request.user)[:LISTINGS_SHOWN],
        "review_summary": review_summary,
        "sub_ratings": _sub_ratings(review_summary),
        "reviews": [
            (review, _sub_ratings({name: getattr(review, name) for name in SUB_RATINGS}))
            for review in reviews[:LATEST_REVIEWS]
        ],
        "calendar": month_calendar(provider=profile, asked=request.GET.get("month")),
    }
    return render(request, "site/provider.html", context)


@require_safe
def listing_detail(request, slug: str):
    try:
        listing = listing_get(viewer=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.message) from error
    profile = _public_profile(listing.provider_id, request.user)
    context = {
        "listing": listing,
        "profile": profile,
        "badges": [BADGE_LABELS.get(badge, badge) for badge in profile.badges],
        "gallery": _gallery(listing, request.user),
        "packages": list(listing.packages.all()),
        "tiers": list(listing.ticket_tiers.all()),
        "login_url": reverse("account_login") + "?" + urlencode({"next": request.path}),
        **listing_booking(request, listing),
    }
    return render(request, "site/listing.html", context)
