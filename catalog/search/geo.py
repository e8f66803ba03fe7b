"""Geo search: distances to what the public may know, radius filters on the exact place.

A listing's own coordinates (an event's venue) are public. A provider's are shown only on the
grid of ``catalog.selectors.providers.public_coordinate``, so what a hit shows, what a distance
sort orders by and what its cursor carries (signed, not encrypted) are measured to that grid
point: exact distances from three points would give the exact place. Radius and travel-radius
filters use the exact coordinates, inside the statement, so a provider just outside the
circle stays out.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from catalog.models import ProviderProfile
from catalog.search.filters import NO_LOCATION_KM, DistanceKm, bounding_box
from catalog.search.params import GeoPoint
from catalog.selectors.providers import public_coordinate


def no_location(distance) -> Coalesce:
    return Coalesce(distance, Value(NO_LOCATION_KM))


def public_distance(point: GeoPoint, lat: str, lon: str) -> DistanceKm:
    """The distance to the place the public sees
    (catalog.selectors.providers.public_coordinate): what hits show and distance sorts by, and
    so what a distance cursor carries. The exact place only decides the radius filters, inside
    the statement."""
    return DistanceKm(point, public_coordinate(lat), public_coordinate(lon))


def shown_distance_km(distance_km: float | None, point: GeoPoint | None) -> float | None:
    """A hit's distance as shown: none without coordinates, else to 0.1 km, and never beyond
    the radius the hit was found within (a grid point may lie just outside it)."""
    if point is None or distance_km is None or distance_km >= NO_LOCATION_KM:
        return None
    if point.radius_km is not None:
        distance_km = min(distance_km, point.radius_km)
    return round(distance_km, 1)


def listing_geo_near(base: QuerySet, point: GeoPoint) -> QuerySet:
    """Distance from the listing's own coordinates (events, venues) or, lacking them, its
    provider's: one part, for a text search, whose matches (the bitmap of the text index) are
    few enough to check one by one. A listing's own place is public; its provider's is
    shown on the public grid and filtered exactly."""
    shown = DistanceKm(
        point,
        Coalesce("latitude", public_coordinate("provider__latitude")),
        Coalesce("longitude", public_coordinate("provider__longitude")),
    )
    base = base.annotate(distance_km=no_location(shown))
    if not point.radius_km:
        return base
    exact = DistanceKm(
        point,
        Coalesce("latitude", "provider__latitude"),
        Coalesce("longitude", "provider__longitude"),
    )
    r = point.radius_km
    # The providers in the box are a hashed sub-select: probing it is far cheaper than
    # comparing each listing's joined provider coordinates (numeric) inside the OR.
    providers_in_box = (
        ProviderProfile.objects.filter(bounding_box(point, r)).order_by().values("id")
    )
    return base.alias(exact_km=no_location(exact)).filter(
        bounding_box(point, r)
        | Q(latitude__isnull=True, provider_id__in=Subquery(providers_in_box)),
        exact_km__lte=r,
    )


def listing_geo_parts(base: QuerySet, point: GeoPoint) -> list[QuerySet]:
    """Without text, two disjoint parts: listings with their own coordinates and listings
    placed at their provider's. Apart, each is served by its own partial index (0007): the
    first by the listings' coordinates, the second by the provider's coordinates and the
    listings' provider_id. As one OR over COALESCE(own, provider's), no index applied and every
    published listing was read."""
    own = base.filter(latitude__isnull=False)
    placed = base.filter(latitude__isnull=True)
    r = point.radius_km
    if r:
        own = own.filter(bounding_box(point, r))
        placed = placed.filter(bounding_box(point, r, prefix="provider__"))
    own = own.annotate(distance_km=no_location(DistanceKm(point, "latitude", "longitude")))
    placed = placed.annotate(
        distance_km=no_location(public_distance(point, "provider__latitude", "provider__longitude"))
    )
    if r:
        own = own.filter(distance_km__lte=r)
        exact = DistanceKm(point, "provider__latitude", "provider__longitude")
        placed = placed.alias(exact_km=no_location(exact)).filter(exact_km__lte=r)
    return [own, placed]
