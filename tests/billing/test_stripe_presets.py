"""The Stripe presets pay end to end through the driver and the sandbox (Checkout, the signed
webhook, the booking moving on the provider's word): a freelancer's gig with its 10 % buyer
fee, delivered, completed and released by a transfer to the seller's connected account; an
event's tickets issued once paid; a reader's digital product refunded by staff through Stripe
with its stock back. The books balance after each."""

from datetime import timedelta

import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, Payment, StripeTransfer
from billing.money import Money
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_balance, ledger_problems
from bookings.models import Attendee
from bookings.services.payments import bookings_release_due
from catalog.models import Listing
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import event, gig, listing_of
from tests.support.stripe_books import onboard, pay, stripe_books_for

Kind = LedgerAccount.Kind


def _usd(minor: int) -> Money:
    return Money(minor, "USD")


def _clean(marketplace) -> None:
    with tenant_context(marketplace):
        assert ledger_problems() == []


def test_a_gig_paid_through_stripe_is_released_to_the_seller_after_completion(
    make_marketplace, stripe_sandbox, webhook_inbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    gigs = make_marketplace("freelancers")
    books = stripe_books_for(gigs, stripe_sandbox, webhook_inbox)
    seller, profile = provider_party(gigs)
    with tenant_context(gigs):
        listing = gig(provider=profile)
        standard = listing.packages.get(tier="standard")
    account_ref = onboard(books, seller, capture)
    buyer = party(gigs)
    order = buyer.api.post("/api/v1/bookings/", {"listing_id": listing.pk,
                                                 "package_id": standard.pk})  # fmt: skip
    assert order.status_code == 201, order.content
    booking_id = order.json()["id"]

    # USD 90.00 and the buyer's 10 % fee: 99.00 through Checkout.
    payment = pay(books, buyer, booking_id, "gig-0001", capture)
    assert (payment.purpose, payment.amount_minor) == ("charge", 9_900)
    with tenant_context(gigs):
        assert ledger_balance(kind=Kind.BUYER_FEES, currency="USD") == _usd(900)
        assert ledger_balance(kind=Kind.PLATFORM_FEES, currency="USD") == _usd(1_800)
        assert ledger_balance(
            kind=Kind.PROVIDER_PENDING, currency="USD", owner=seller.user
        ) == _usd(7_200)
    step = f"/api/v1/bookings/{booking_id}/transitions/"
    assert seller.api.post(f"{step}start/").status_code == 200
    delivered = seller.api.post_form(f"/api/v1/bookings/{booking_id}/deliveries/",
                                     {"message": "Done", "files": []})  # fmt: skip
    assert delivered.status_code == 201, delivered.content
    completed = buyer.api.post(f"{step}complete/")
    assert completed.json()["state"] == "completed", completed.content

    # The seller's share waits for the marketplace's release delay, then goes by transfer.
    later = timezone.now() + timedelta(hours=gigs.release_delay_hours + 1)
    with time_machine.travel(later), tenant_context(gigs), capture(execute=True):
        assert bookings_release_due() == 1
    with tenant_context(gigs):
        transfer = StripeTransfer.objects.get(subject=f"booking:{booking_id}")
        assert (transfer.account_ref, transfer.amount_minor) == (account_ref, 7_200)
        assert ledger_balance(
            kind=Kind.PROVIDER_PAID_OUT, currency="USD", owner=seller.user
        ) == _usd(7_200)
        assert ledger_balance(
            kind=Kind.GATEWAY_CLEARING, currency="USD", provider="stripe"
        ) == _usd(2_700)
    assert books.sandbox.peek(transfer.transfer_ref)["destination"] == account_ref
    _clean(gigs)


def test_tickets_paid_through_stripe_are_issued_once(
    make_marketplace, stripe_sandbox, webhook_inbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    events = make_marketplace("events")
    books = stripe_books_for(events, stripe_sandbox, webhook_inbox)
    _organiser, profile = provider_party(events)
    with tenant_context(events):
        listing = event(provider=profile, location_name="Old Town Hall", price_minor=2_500)
        tier = listing.ticket_tiers.get()
    customer = party(events)
    reserved = customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "ticket_tier_id": tier.pk, "quantity": 2}
    )
    assert reserved.status_code == 201, reserved.content
    booking_id = reserved.json()["id"]
    total = reserved.json()["money"]["buyer_total_minor"]

    payment = pay(books, customer, booking_id, "tickets-0001", capture)
    assert payment.amount_minor == total
    again = books.relay("checkout.session.completed", payment.provider_ref, capture)
    assert again.status_code == 200  # a replay issues nothing more
    with tenant_context(events):
        assert Attendee.objects.filter(booking_id=booking_id).count() == 2
        assert ledger_balance(
            kind=Kind.GATEWAY_CLEARING, currency="USD", provider="stripe"
        ) == _usd(total)
    assert customer.api.get(f"/api/v1/bookings/{booking_id}/").json()["state"] == "issued"
    _clean(events)


def test_a_product_order_paid_through_stripe_is_refunded_by_staff_with_its_stock_back(
    make_marketplace, stripe_sandbox, webhook_inbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    psychic = make_marketplace("psychic-readers")
    books = stripe_books_for(psychic, stripe_sandbox, webhook_inbox)
    _reader, profile = provider_party(psychic)
    with tenant_context(psychic):
        listing = listing_of("digital-product", provider=profile, price_minor=1_500, stock=3)
    customer = party(psychic)
    ordered = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "quantity": 2})
    assert ordered.status_code == 201, ordered.content
    booking_id = ordered.json()["id"]
    payment = pay(books, customer, booking_id, "product-0001", capture)
    assert payment.amount_minor == 3_000

    staff = staff_party(psychic)
    with capture(execute=True):
        refunded = staff.api.post(
            f"/api/v1/bookings/{booking_id}/refunds/", {"reason": "Never arrived"},
            HTTP_IDEMPOTENCY_KEY="refund-0001",
        )  # fmt: skip
    assert refunded.status_code in (200, 201), refunded.content
    with tenant_context(psychic):
        assert Listing.objects.get(pk=listing.pk).stock == 3
        payment.refresh_from_db()
        assert (payment.state, payment.refunded_minor) == (PaymentState.REFUNDED, 3_000)
        refunds = [e for e in Payment.objects.get(pk=payment.pk).exchanges.all()
                   if "refund re_" in e.note]  # fmt: skip
        assert len(refunds) == 1  # refunded at Stripe, once
        assert ledger_balance(
            kind=Kind.GATEWAY_CLEARING, currency="USD", provider="stripe"
        ) == _usd(0)
    _clean(psychic)
