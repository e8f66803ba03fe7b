"""Staff refunds: a product order refunded in full gives the money back through FIB and its
stock back, in one transaction, once; a partial refund of a booking tells staff FIB cannot
send it (manual); only staff refund."""

from django_tenants.utils import tenant_context

from billing.models import LedgerTransaction, Payment
from billing.providers.base import PaymentState
from catalog.models import Listing, ListingType
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import listing_of
from tests.support.payouts import books_balanced
from tests.support.quotes import booking_paid_through_fib, paid_quote

PRICE = 25_000_000  # 25,000 IQD


def _refund(who, booking_id, key="refund-key-1", **body):
    return who.api.post(f"/api/v1/bookings/{booking_id}/refunds/", body, HTTP_IDEMPOTENCY_KEY=key)


def _paid_order(talent, fib_sandbox, capture, quantity=2):
    provider, profile = provider_party(talent)
    with tenant_context(talent):
        ListingType.objects.get_or_create(
            slug="iq-product",
            defaults={"name": "Product", "pricing": "product", "process": "product_order",
                      "config": {"stock": True}},
        )  # fmt: skip
        listing = listing_of("iq-product", provider=profile, price_minor=PRICE, stock=5)
    customer = party(talent)
    ordered = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk,
                                                      "quantity": quantity})  # fmt: skip
    assert ordered.status_code == 201, ordered.content
    booking_id = ordered.json()["id"]
    reference = booking_paid_through_fib(talent, fib_sandbox, capture, customer, booking_id)
    return listing, customer, booking_id, reference


def _stock(talent, listing):
    with tenant_context(talent):
        return Listing.objects.get(pk=listing.pk).stock


def test_a_full_staff_refund_of_a_product_order_refunds_and_restocks_once(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    listing, customer, booking_id, reference = _paid_order(
        talent, fib_sandbox, django_capture_on_commit_callbacks
    )
    assert _stock(talent, listing) == 3
    assert_error(_refund(customer, booking_id), 403)
    staff = staff_party(talent)
    with django_capture_on_commit_callbacks(execute=True):
        refunded = _refund(staff, booking_id, reason="Never arrived")
    assert refunded.status_code == 201, refunded.content
    assert refunded.json() == {
        "booking_id": booking_id, "booking_state": "refunded", "amount_minor": 2 * PRICE,
        "currency": "IQD", "manual_refund_required": False,
        "refunds": [{"provider": "fib", "amount_minor": 2 * PRICE, "refunded_by": "provider"}],
    }  # fmt: skip
    assert _stock(talent, listing) == 5
    again = _refund(staff, booking_id, reason="Never arrived")  # a retry
    assert again.status_code == 201 and again.json()["amount_minor"] == 2 * PRICE
    assert _stock(talent, listing) == 5
    assert_error(_refund(staff, booking_id, key="refund-key-2"), 422, "nothing_to_refund")
    with tenant_context(talent):
        payment = Payment.objects.get(reference=reference)
        assert payment.state == PaymentState.REFUNDED and payment.failure_code == ""
        assert (
            LedgerTransaction.objects.filter(kind="refund", subject=f"booking:{booking_id}").count()
            == 1
        )
    assert fib_sandbox.peek(payment.provider_ref)["status"] in ("REFUND_REQUESTED", "REFUNDED")
    events = customer.api.get(f"/api/v1/bookings/{booking_id}/events/").json()
    assert events[-1]["transition"] == "refund"
    assert books_balanced(talent)


def test_the_refund_step_itself_refunds_and_restocks(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    listing, _customer, booking_id, _reference = _paid_order(
        talent, fib_sandbox, django_capture_on_commit_callbacks, quantity=1
    )
    staff = staff_party(talent)
    with django_capture_on_commit_callbacks(execute=True):
        moved = staff.api.post(f"/api/v1/bookings/{booking_id}/transitions/refund/")
    assert moved.status_code == 200 and moved.json()["state"] == "refunded"
    assert _stock(talent, listing) == 5
    with tenant_context(talent):
        assert LedgerTransaction.objects.get(reference=f"refund:booking-refund-{booking_id}")
    assert books_balanced(talent)


def test_a_partial_refund_through_fib_is_left_to_staff_and_capped_at_what_is_held(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    _provider, _customer, booking_id, reference = paid_quote(
        talent, fib_sandbox, django_capture_on_commit_callbacks
    )
    staff = staff_party(talent)
    body = assert_error(
        _refund(staff, booking_id, amount_minor=50_000_001), 422, "refund_exceeds_paid"
    )
    assert body["details"]["refundable_minor"] == 50_000_000
    with django_capture_on_commit_callbacks(execute=True):
        partial = _refund(staff, booking_id, amount_minor=10_000_000)
    assert partial.status_code == 201, partial.content
    answer = partial.json()
    assert (answer["booking_state"], answer["manual_refund_required"]) == ("paid", True)
    assert answer["refunds"] == [
        {"provider": "fib", "amount_minor": 10_000_000, "refunded_by": "manual"}
    ]
    with tenant_context(talent):
        assert Payment.objects.get(reference=reference).failure_code == "manual_refund_required"
    assert_error(_refund(staff, 999_999_999), 404)
    assert books_balanced(talent)
