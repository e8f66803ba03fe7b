"""The checkout pages (/book/, /checkout/, /wallet/) across marketplaces: another
marketplace's booking ids, payment references, return keys and sessions find nothing here,
and its customer's wallet is not shown."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from billing.models import Payment
from billing.money import Money
from billing.services.top_ups import top_up_start
from bookings.models import Booking
from bookings.services.creation import BookingRequest, booking_create
from tests.support.client import api
from tests.support.factories.bookings import evening, party, provider_party
from tests.support.factories.catalog import listing_of

SECRET = "Zephyrwick Lantern Show"


def _fire_booking(fire):
    _provider, profile = provider_party(fire)
    customer = party(fire)
    with tenant_context(fire):
        listing = listing_of("performance", provider=profile, title=SECRET, slug="zephyrwick")
        start, end = evening(40)
        booking = booking_create(
            actor=customer.user,
            request=BookingRequest(listing_id=listing.pk, starts_at=start, ends_at=end),
        )
    return customer, booking


def test_another_marketplaces_booking_and_session_find_nothing(fire, talent):
    customer, booking = _fire_booking(fire)
    own = api(fire, customer.user, session=True).get(f"/checkout/booking/{booking.pk}/")
    assert own.status_code == 200 and SECRET in own.content.decode()

    # fire's session cookie on talent's host: not logged in there.
    stolen = api(fire, customer.user, session=True)
    stolen.defaults["HTTP_HOST"] = talent.get_primary_domain().domain
    answer = stolen.get(f"/checkout/booking/{booking.pk}/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]

    # A talent customer with fire's booking id: talent's own booking of that id or nothing.
    talent_customer = api(talent, party(talent).user, session=True)
    with tenant_context(talent):
        theirs = Booking.objects.filter(pk=booking.pk).exists()
    found = talent_customer.get(f"/checkout/booking/{booking.pk}/")
    assert found.status_code == 404 or theirs
    assert SECRET not in found.content.decode()
    assert talent_customer.post_form(f"/checkout/booking/{booking.pk}/accept/").status_code in (
        404,
        409,
    )
    assert talent_customer.get("/book/zephyrwick/").status_code == 404


def test_another_marketplaces_payment_reference_and_wallet(fire, fib_books, fib_sandbox):
    talent = fib_books
    payer = party(talent)
    with tenant_context(talent):
        talent.refresh_from_db()
        amount = Money(max(talent.top_up_minimum_minor, 5_000_000), "IQD")
        payment = top_up_start(
            actor=payer.user, amount=amount, provider="fib",
            idempotency_key="security-top-up-1", return_url="https://talent.example/back",
        )  # fmt: skip
    own = api(talent, payer.user, session=True)
    assert own.get(f"/checkout/{payment.reference}/").status_code == 200
    assert own.get("/checkout/return/security-top-up-1/").status_code == 302

    fire_customer = api(fire, party(fire).user, session=True)
    for path in (
        f"/checkout/{payment.reference}/",
        f"/checkout/{payment.reference}/return/",
        f"/checkout/{payment.reference}/status/",
        "/checkout/return/security-top-up-1/",
    ):
        assert fire_customer.get(path).status_code == 404, path
    wallet = fire_customer.get("/wallet/").content.decode()
    assert f'data-balance="{amount.amount_minor}"' not in wallet
    with tenant_context(fire):
        assert not Payment.objects.filter(reference=payment.reference).exists()


def test_a_provider_has_no_wallet_or_checkout(fire):
    provider, _profile = provider_party(fire)
    client = api(fire, provider.user, session=True)
    assert client.get("/wallet/").status_code == 403
    assert client.post_form("/wallet/", {"amount": "10", "provider": "stripe"}).status_code == 403
    assert client.get("/checkout/booking/1/").status_code == 403
