"""A freelancers gig order made through the API and paid in full, for tests that start from a
paid order (disputes, deliveries, the provider's and the staff's pages)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from bookings.models import Booking
from bookings.services.payments import booking_mark_paid
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import gig


def paid_gig_order(marketplace, *, tier: str = "basic"):
    """(customer party, provider party, booking id) of a paid order of the gig's ``tier``."""
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = gig(provider=profile)
        package_id = listing.packages.get(tier=tier).pk
    customer = party(marketplace)
    created = customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "package_id": package_id}
    )
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    with tenant_context(marketplace):
        booking = Booking.objects.get(pk=booking_id)
        paid = booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor,
            currency=booking.currency,
            reference=f"pay-{booking_id}",
        )
    assert paid.state == "paid"
    return customer, provider, booking_id
