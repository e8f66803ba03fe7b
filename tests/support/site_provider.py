"""What the provider pages' tests share: a provider (with a profile) or a customer logged in
to the site, and a customer's date request or paid gig order made through the API and the
bookings services, as a customer's browser and the payment would make them."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from bookings.models import Booking
from tests.support.client import api
from tests.support.factories.bookings import evening, party, provider_party
from tests.support.factories.catalog import listing_of


def site_client(someone):
    """A browser-like client of the party's marketplace, logged in as them (a session)."""
    return api(someone.marketplace, someone.user, session=True, own_address=True)


def date_request(marketplace, *, provider=None, profile=None, days: int = 30):
    """A customer's date request for a performance of ``provider`` (a new one if not given):
    (provider party, its site client, booking id)."""
    if provider is None:
        provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("performance", provider=profile, price_minor=60000)
    customer = party(marketplace)
    start, end = evening(days=days)
    response = customer.api.post("/api/v1/bookings/", {
        "listing_id": listing.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat(),
        "note": "Garden party",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    return provider, site_client(provider), response.json()["id"]


def booking_state(marketplace, booking_id: int) -> str:
    with tenant_context(marketplace):
        return Booking.objects.get(pk=booking_id).state
