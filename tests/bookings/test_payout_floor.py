"""A price must leave the provider a payout after the marketplace's fee: never nothing, and
at least the marketplace's minimum payout. Talent Iraq: 10 % commission, at least 1,000 IQD;
amounts in fils (ISO 4217 exponent 3)."""

from django_tenants.utils import tenant_context

from bookings.models import Booking
from catalog.models import Listing
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import category_id, listing_of, listing_type_id

UNDER_THE_MINIMUM_FEE = 750_000
# The smallest price whose payout is above zero: 1,000 IQD of fee and one fils left.
SMALLEST_PRICE = 1_000_001


def _quoted_request(marketplace):
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("quoted-service", provider=profile, price_minor=0)
    created = party(marketplace).api.post("/api/v1/bookings/", {"listing_id": listing.pk})
    assert created.status_code == 201, created.content
    return provider, created.json()["id"]


def _quote(provider, booking_id, price_minor):
    return provider.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/quote/", {"price_minor": price_minor}
    )


def test_a_quote_that_pays_the_provider_nothing_is_refused(talent):
    provider, booking_id = _quoted_request(talent)
    body = assert_error(_quote(provider, booking_id, UNDER_THE_MINIMUM_FEE), 422, "payout_too_low")
    assert body["details"]["minimum_price_minor"] == SMALLEST_PRICE
    assert "1000.001 IQD" in body["message"]
    with tenant_context(talent):
        booking = Booking.objects.get(pk=booking_id)
        assert (booking.state, booking.priced) == ("requested", False)

    quoted = _quote(provider, booking_id, SMALLEST_PRICE)
    assert quoted.status_code == 200, quoted.content
    assert quoted.json()["money"]["provider_payout_minor"] == 1


def test_the_marketplace_sets_a_higher_floor(talent):
    with tenant_context(talent):
        from tenants.models import Marketplace

        Marketplace.objects.filter(pk=talent.pk).update(minimum_payout_minor=500_000)
    talent.refresh_from_db()
    provider, booking_id = _quoted_request(talent)
    # 1,400 IQD: 1,000 IQD of fee leaves 400 IQD, under the 500 IQD floor.
    body = assert_error(_quote(provider, booking_id, 1_400_000), 422, "payout_too_low")
    assert body["details"]["minimum_price_minor"] == 1_500_000
    assert body["details"]["minimum_payout_minor"] == 500_000
    assert "500.000 IQD" in body["message"]


def _listing_body(marketplace, price_minor):
    return {
        "listing_type": listing_type_id(marketplace, "quoted-service"),
        "category": category_id(marketplace, "oud"),
        "title": "Oud at your wedding",
        "price_minor": price_minor,
    }


def test_a_listing_price_under_the_floor_is_refused(talent):
    provider, _ = provider_party(talent)
    body = assert_error(
        provider.api.post("/api/v1/listings/", _listing_body(talent, UNDER_THE_MINIMUM_FEE)),
        422,
        "payout_too_low",
    )
    assert "1000.001 IQD" in body["message"]
    with tenant_context(talent):
        assert not Listing.objects.exists()

    created = provider.api.post("/api/v1/listings/", _listing_body(talent, 2_000_000))
    assert created.status_code == 201, created.content
    listing_id = created.json()["id"]
    assert_error(
        provider.api.patch(f"/api/v1/listings/{listing_id}/", {"price_minor": 999_999}),
        422,
        "payout_too_low",
    )
    with tenant_context(talent):
        assert Listing.objects.get(pk=listing_id).price_minor == 2_000_000
