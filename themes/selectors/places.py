"""The places a visitor may search near: the names of where the marketplace's listings and
providers are, each with a point the public may know (a listing's own venue, a provider's
place on the public grid of catalog.selectors.providers.public_coordinate). The search page
offers them as a list and turns the one chosen into the API's lat and lon."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg
from django.db.models.functions import Coalesce

from catalog.selectors.providers import public_coordinate
from catalog.selectors.search import listings_public, providers_public

MAX_PLACES = 100
DECIMALS = Decimal("0.01")


@dataclass(frozen=True)
class Place:
    name: str
    lat: Decimal
    lon: Decimal


def search_places() -> list[Place]:
    """Known places by name (alphabetical), two queries. A name used by several listings or
    providers stands at the mean of their public points."""
    listing_rows = (
        listings_public()
        .exclude(location_name="")
        .annotate(
            place_lat=Coalesce("latitude", public_coordinate("provider__latitude")),
            place_lon=Coalesce("longitude", public_coordinate("provider__longitude")),
        )
        .filter(place_lat__isnull=False, place_lon__isnull=False)
        .values("location_name")
        .annotate(lat=Avg("place_lat"), lon=Avg("place_lon"))
        .order_by()
    )
    provider_rows = (
        providers_public()
        .exclude(location_name="")
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values("location_name")
        .annotate(lat=Avg(public_coordinate("latitude")), lon=Avg(public_coordinate("longitude")))
        .order_by()
    )
    points: dict[str, tuple[str, list[Decimal], list[Decimal]]] = {}
    for row in [*listing_rows, *provider_rows]:
        name = row["location_name"].strip()
        _name, lats, lons = points.setdefault(name.casefold(), (name, [], []))
        lats.append(Decimal(row["lat"]))
        lons.append(Decimal(row["lon"]))
    places = [
        Place(
            name=name,
            lat=(sum(lats, Decimal(0)) / len(lats)).quantize(DECIMALS),
            lon=(sum(lons, Decimal(0)) / len(lons)).quantize(DECIMALS),
        )
        for name, lats, lons in points.values()
    ]
    return sorted(places, key=lambda place: place.name.casefold())[:MAX_PLACES]


def place_find(name: str) -> Place | None:
    wanted = name.strip().casefold()
    return next((place for place in search_places() if place.name.casefold() == wanted), None)
