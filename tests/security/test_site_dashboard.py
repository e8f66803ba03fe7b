"""The customer's dashboard shows only its own marketplace and its own customer: another
marketplace's booking, thread and receipt ids, and a session cookie replayed on another
marketplace's host, find nothing."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import Payment, Receipt
from bookings.selectors.messages import thread_id_of_booking
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.messages import message_send
from tests.support.client import api
from tests.support.factories.bookings import evening, party, provider_party
from tests.support.factories.catalog import listing_of

SECRET = "Firedash Quillomb"


def _fire_customer_with_everything(fire):
    customer = party(fire, display_name=SECRET)
    _provider, profile = provider_party(fire, display_name=SECRET)
    start, end = evening()
    with tenant_context(fire):
        listing = listing_of("performance", provider=profile, title=f"{SECRET} show")
        booking = booking_create(
            actor=customer.user,
            request=BookingRequest(listing_id=listing.pk, starts_at=start, ends_at=end),
        )
        thread_id = thread_id_of_booking(booking_id=booking.pk)
        message_send(actor=customer.user, thread_id=thread_id, body=f"{SECRET} says hello")
        Payment.objects.create(
            reference="firedash-pay", provider="stripe", purpose="charge",
            subject=f"booking:{booking.pk}", payer=customer.user, amount_minor=100,
            currency="GBP", state="paid", idempotency_key="firedash-pay", paid_at=timezone.now(),
        )  # fmt: skip
        receipt = Receipt.objects.create(
            kind="payment", reference="firedash-pay", recipient=customer.user.email, language="en"
        )
    paths = [
        "/dashboard/",
        "/dashboard/bookings/",
        f"/dashboard/bookings/{booking.pk}/",
        f"/dashboard/bookings/{booking.pk}/cancel/",
        f"/dashboard/bookings/{booking.pk}/tickets/",
        f"/dashboard/bookings/{booking.pk}/review/",
        "/dashboard/messages/",
        f"/dashboard/messages/{thread_id}/",
        "/dashboard/receipts/",
        f"/dashboard/receipts/{receipt.pk}/download/",
        "/dashboard/favourites/",
        "/dashboard/notifications/",
        "/dashboard/reviews/",
    ]
    return customer, booking, paths


def test_fire_customer_sees_their_pages_at_home(fire):
    customer, _booking, paths = _fire_customer_with_everything(fire)
    client = api(fire, customer.user, session=True, own_address=True)
    for path in paths:
        response = client.get(path)
        # A date booking has no tickets: its tickets page is not found even at home.
        assert response.status_code == (404 if path.endswith("/tickets/") else 200), path


def test_another_marketplaces_customer_finds_nothing_of_fire(fire, talent):
    _customer, booking, paths = _fire_customer_with_everything(fire)
    stranger = party(talent)
    client = api(talent, stranger.user, session=True, own_address=True)
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert SECRET not in response.content.decode(), path
        assert "firedash-pay" not in response.content.decode(), path
    posts = [
        f"/dashboard/bookings/{booking.pk}/cancel/",
        f"/dashboard/bookings/{booking.pk}/steps/cancel/",
        f"/dashboard/bookings/{booking.pk}/review/",
    ]
    for path in posts:
        assert client.post_form(path, {"rating": "5", "reason": "x"}).status_code == 404, path
    with tenant_context(fire):
        booking.refresh_from_db()
    assert booking.state == "requested"


def test_a_fire_session_replayed_on_another_host_is_nobody_there(fire, talent):
    customer, booking, paths = _fire_customer_with_everything(fire)
    at_home = api(fire, customer.user, session=True, own_address=True)
    assert at_home.get(f"/dashboard/bookings/{booking.pk}/").status_code == 200
    session = at_home.cookies[settings.SESSION_COOKIE_NAME].value
    replay = api(talent, own_address=True, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}")
    for path in paths:
        response = replay.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    cancel = replay.post_form(f"/dashboard/bookings/{booking.pk}/cancel/", {})
    assert cancel.status_code in (302, 403)
    with tenant_context(fire):
        booking.refresh_from_db()
    assert booking.state == "requested"
