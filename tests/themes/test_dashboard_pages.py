"""The customer's dashboard (/dashboard/...) with Django's test client: each page through the
same services as the API, bad input shown beside its field with nothing changed, and another
customer's ids not found."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from billing.models import Payment, Receipt
from bookings.models import Booking, Message, Notification, Review
from bookings.selectors.messages import thread_id_of_booking
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.messages import message_rate_keys
from bookings.services.payments import booking_mark_paid
from bookings.services.transitions import booking_transition
from catalog.models import Favorite
from tests.support.client import api
from tests.support.factories.bookings import evening, party, provider_party
from tests.support.factories.catalog import event, listing_of


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    settings.SOUK_PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _customer(marketplace):
    someone = party(marketplace)
    someone.page = api(marketplace, someone.user, session=True, own_address=True)
    return someone


def _date_booking(marketplace, customer, *, days=30, price_minor=60000):
    """A performance booked by ``customer``, accepted by its provider (who is returned)."""
    provider, profile = provider_party(marketplace)
    start, end = evening(days=days)
    with tenant_context(marketplace):
        listing = listing_of("performance", provider=profile, price_minor=price_minor)
        booking = booking_create(
            actor=customer.user,
            request=BookingRequest(listing_id=listing.pk, starts_at=start, ends_at=end),
        )
        booking_transition(booking_id=booking.pk, transition="accept", actor=provider.user)
    return provider, booking


def _pay(marketplace, booking, amount, reference):
    with tenant_context(marketplace):
        return booking_mark_paid(
            booking_id=booking.pk, amount_minor=amount, currency=booking.currency,
            reference=reference,
        )  # fmt: skip


def _state(marketplace, booking) -> str:
    with tenant_context(marketplace):
        return Booking.objects.get(pk=booking.pk).state


def _html(response) -> str:
    return response.content.decode()


def test_visitors_log_in_first_and_providers_are_refused(fire):
    assert (
        api(fire, own_address=True)
        .get("/dashboard/")["Location"]
        .startswith("/accounts/login/?next=/dashboard/")
    )
    provider, _profile = provider_party(fire)
    assert api(fire, provider.user, session=True).get("/dashboard/bookings/").status_code == 403


def test_overview_and_list_show_state_dates_and_amounts(fire):
    customer = _customer(fire)
    _provider, booking = _date_booking(fire, customer)
    overview = customer.page.get("/dashboard/")
    assert overview.status_code == 200
    assert booking.listing.title in _html(overview) and "Accepted" in _html(overview)
    listed = _html(customer.page.get("/dashboard/bookings/", {"state": "accepted"}))
    assert f"/dashboard/bookings/{booking.pk}/" in listed and "£600.00" in listed
    assert booking.listing.title not in _html(
        customer.page.get("/dashboard/bookings/", {"state": "cancelled"})
    )


def test_booking_page_shows_its_timeline_and_next_steps(fire):
    customer = _customer(fire)
    _provider, booking = _date_booking(fire, customer)
    html = _html(customer.page.get(f"/dashboard/bookings/{booking.pk}/"))
    assert "Timeline" in html and "Requested" in html and "Accepted" in html
    assert f"/dashboard/bookings/{booking.pk}/cancel/" in html
    # The API offers the customer the same step.
    offered = customer.api.get(f"/api/v1/bookings/{booking.pk}/").json()["available_transitions"]
    assert offered == ["cancel"]


def test_another_customers_booking_is_not_found(fire):
    owner, stranger = _customer(fire), _customer(fire)
    _provider, booking = _date_booking(fire, owner)
    for path in ("", "cancel/", "tickets/", "review/"):
        response = stranger.page.get(f"/dashboard/bookings/{booking.pk}/{path}")
        assert response.status_code == 404, path
    assert stranger.page.post(f"/dashboard/bookings/{booking.pk}/cancel/").status_code == 404
    assert _state(fire, booking) == "accepted"
    assert stranger.page.get("/dashboard/bookings/99999999999999999999/").status_code == 404


def test_cancel_shows_the_refund_the_rules_give_before_confirming(fire):
    customer = _customer(fire)
    # Five days ahead: between 72 hours and 14 days, half of what was paid comes back.
    _provider, booking = _date_booking(fire, customer, days=5)
    _pay(fire, booking, booking.deposit_minor, f"dash-deposit-{booking.pk}")
    preview = customer.page.get(f"/dashboard/bookings/{booking.pk}/cancel/")
    assert preview.status_code == 200
    html = _html(preview)
    assert "£150.00" in html and "£75.00" in html  # paid, refund
    assert _state(fire, booking) == "confirmed"  # nothing happened yet

    done = customer.page.post_form(
        f"/dashboard/bookings/{booking.pk}/cancel/", {"reason": "The date moved."}
    )
    assert done.status_code == 302 and done["Location"] == f"/dashboard/bookings/{booking.pk}/"
    with tenant_context(fire):
        cancelled = Booking.objects.get(pk=booking.pk)
    assert cancelled.state == "cancelled" and cancelled.cancellation_refund_minor == 7500
    page = _html(customer.page.get(done["Location"]))
    assert "Your booking is cancelled." in page and "The date moved." in page


def test_a_bad_cancellation_changes_nothing(fire):
    customer = _customer(fire)
    _provider, booking = _date_booking(fire, customer)
    refused = customer.page.post_form(
        f"/dashboard/bookings/{booking.pk}/cancel/", {"reason": "x" * 1001}
    )
    assert refused.status_code == 400
    html = _html(refused)
    assert 'aria-invalid="true"' in html and "at most 1000 characters" in html
    assert "x" * 1001 in html  # what was typed is kept
    assert _state(fire, booking) == "accepted"
    # Once cancelled, it cannot be cancelled again: 409, no form.
    customer.page.post_form(f"/dashboard/bookings/{booking.pk}/cancel/", {})
    again = customer.page.post_form(f"/dashboard/bookings/{booking.pk}/cancel/", {})
    assert again.status_code == 409 and "can no longer be cancelled" in _html(again)


def test_a_step_the_customer_may_not_take_is_refused(fire):
    customer = _customer(fire)
    _provider, booking = _date_booking(fire, customer)
    refused = customer.page.post_form(f"/dashboard/bookings/{booking.pk}/steps/complete/", {})
    assert refused.status_code == 409 and "not open to you" in _html(refused)
    assert _state(fire, booking) == "accepted"


def _png() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(data, format="PNG")
    data.seek(0)
    data.name = "photo.png"
    return data


def _forget_rates(marketplace, user):
    with tenant_context(marketplace):
        cache.delete_many(message_rate_keys(user_id=user.pk))


def test_messages_list_thread_and_sending_with_an_attachment(fire):
    customer = _customer(fire)
    _forget_rates(fire, customer.user)
    _provider, booking = _date_booking(fire, customer)
    with tenant_context(fire):
        thread_id = thread_id_of_booking(booking_id=booking.pk)
    listed = _html(customer.page.get("/dashboard/messages/"))
    assert f"/dashboard/messages/{thread_id}/" in listed

    sent = customer.page.post_form(
        f"/dashboard/messages/{thread_id}/",
        {"body": "Call me on 07700 900123 or mail me@example.com", "attachment": _png()},
    )
    assert sent.status_code == 302, _html(sent)[:2000]
    with tenant_context(fire):
        message = Message.objects.get(thread_id=thread_id)
    assert message.attachment and message.body.startswith("Call me")
    page = _html(customer.page.get(f"/dashboard/messages/{thread_id}/"))
    # Unpaid booking on a masking marketplace: hidden for both sides, as the API hides it.
    assert "me@example.com" not in page and "07700 900123" not in page
    attachment = f"/api/v1/threads/{thread_id}/messages/{message.pk}/attachment/"
    assert attachment in page
    assert customer.page.get(attachment).status_code == 200


def test_a_bad_message_is_refused_beside_its_field(fire):
    customer = _customer(fire)
    _forget_rates(fire, customer.user)
    _provider, booking = _date_booking(fire, customer)
    with tenant_context(fire):
        thread_id = thread_id_of_booking(booking_id=booking.pk)
    empty = customer.page.post_form(f"/dashboard/messages/{thread_id}/", {"body": "  "})
    assert empty.status_code == 400 and "Required without an attachment." in _html(empty)
    text = io.BytesIO(b"just text, not an image")
    text.name = "notes.png"
    wrong = customer.page.post_form(
        f"/dashboard/messages/{thread_id}/", {"body": "See attached", "attachment": text}
    )
    assert wrong.status_code == 400 and 'id="id_attachment_error"' in _html(wrong)
    assert "See attached" in _html(wrong)
    with tenant_context(fire):
        assert not Message.objects.filter(thread_id=thread_id).exists()
    stranger = _customer(fire)
    assert stranger.page.get(f"/dashboard/messages/{thread_id}/").status_code == 404
    denied = stranger.page.post_form(f"/dashboard/messages/{thread_id}/", {"body": "Hi"})
    assert denied.status_code == 404


def test_favourites_list_and_remove(fire):
    customer = _customer(fire)
    _provider, profile = provider_party(fire, display_name="Saved Performer")
    with tenant_context(fire):
        Favorite.objects.create(user=customer.user, provider=profile)
    assert "Saved Performer" in _html(customer.page.get("/dashboard/favourites/"))
    bad = customer.page.post_form("/dashboard/favourites/remove/", {"kind": "x", "id": "1"})
    assert bad.status_code == 302
    with tenant_context(fire):
        assert Favorite.objects.filter(user=customer.user).count() == 1
    removed = customer.page.post_form(
        "/dashboard/favourites/remove/", {"kind": "provider", "id": str(profile.pk)}
    )
    assert removed.status_code == 302
    with tenant_context(fire):
        assert not Favorite.objects.filter(user=customer.user).exists()


def test_notifications_list_and_mark_read(fire):
    customer, other = _customer(fire), _customer(fire)
    with tenant_context(fire):
        mine = Notification.objects.create(user=customer.user, kind="x", title="Your news")
        theirs = Notification.objects.create(user=other.user, kind="x", title="Not yours")
    page = _html(customer.page.get("/dashboard/notifications/"))
    assert "Your news" in page and "Not yours" not in page
    customer.page.post_form("/dashboard/notifications/read/", {"id": str(theirs.pk)})
    customer.page.post_form("/dashboard/notifications/read/", {"id": "abc"})
    with tenant_context(fire):
        assert Notification.objects.filter(read_at__isnull=False).count() == 0
    customer.page.post_form("/dashboard/notifications/read/", {"id": str(mine.pk)})
    with tenant_context(fire):
        mine.refresh_from_db()
        theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_notifications_come_in_pages(fire):
    customer = _customer(fire)
    with tenant_context(fire):
        Notification.objects.bulk_create(
            Notification(user=customer.user, kind="x", title=f"News number {n:02}")
            for n in range(25)
        )
    first = _html(customer.page.get("/dashboard/notifications/"))
    assert "Page 1 of 2" in first and 'href="?page=2"' in first and 'rel="next"' in first
    second = _html(customer.page.get("/dashboard/notifications/?page=2"))
    assert "Page 2 of 2" in second and 'href="?page=1"' in second
    assert "News number 04" in second and "News number 00" in second
    assert "News number 05" not in second and "News number 05" in first
    # Past the end: the last page, not an error.
    assert "Page 2 of 2" in _html(customer.page.get("/dashboard/notifications/?page=9"))


def _completed(marketplace, customer):
    provider, booking = _date_booking(marketplace, customer)
    _pay(marketplace, booking, booking.deposit_minor, f"dash-d-{booking.pk}")
    _pay(marketplace, booking, booking.balance_minor, f"dash-f-{booking.pk}")
    with time_machine.travel(booking.ends_at + timedelta(hours=1)), tenant_context(marketplace):
        booking_transition(booking_id=booking.pk, transition="complete", actor=provider.user)
    return booking


def test_reviews_to_leave_and_the_review_form(fire):
    customer = _customer(fire)
    booking = _completed(fire, customer)
    with time_machine.travel(booking.ends_at + timedelta(days=1)):
        # A session of that day (the one made today would have expired by then).
        customer.page = api(fire, customer.user, session=True, own_address=True)
        waiting = _html(customer.page.get("/dashboard/reviews/"))
        assert f"/dashboard/bookings/{booking.pk}/review/" in waiting
        form = _html(customer.page.get(f"/dashboard/bookings/{booking.pk}/review/"))
        assert "Professionalism" in form and "Value for money" in form
        bad = customer.page.post_form(
            f"/dashboard/bookings/{booking.pk}/review/", {"rating": "9", "text": "Great"}
        )
        assert bad.status_code == 400 and 'id="id_rating_error"' in _html(bad)
        assert "Great" in _html(bad)
        with tenant_context(fire):
            assert not Review.objects.filter(booking=booking).exists()
        done = customer.page.post_form(
            f"/dashboard/bookings/{booking.pk}/review/",
            {"rating": "5", "professionalism": "4", "communication": "5", "text": "Great"},
        )
        assert done.status_code == 302
        twice = customer.page.post_form(
            f"/dashboard/bookings/{booking.pk}/review/", {"rating": "4"}
        )
        assert twice.status_code == 409 and "already reviewed" in _html(twice)
    with tenant_context(fire):
        review = Review.objects.get(booking=booking)
    assert (review.rating, review.professionalism, review.value) == (5, 4, None)


def test_tickets_page_with_qr_from_our_own_site(make_marketplace):
    events = make_marketplace("events")
    customer = _customer(events)
    _organiser, profile = provider_party(events)
    with tenant_context(events):
        listing = event(provider=profile)
        tier = listing.ticket_tiers.get()
        booking = booking_create(
            actor=customer.user,
            request=BookingRequest(listing_id=listing.pk, ticket_tier_id=tier.pk, quantity=2),
        )
    before = _html(customer.page.get(f"/dashboard/bookings/{booking.pk}/tickets/"))
    assert "once the booking is paid" in before
    _pay(events, booking, booking.buyer_total_minor, f"dash-t-{booking.pk}")
    page = _html(customer.page.get(f"/dashboard/bookings/{booking.pk}/tickets/"))
    with tenant_context(events):
        codes = list(booking.attendees.values_list("code", flat=True))
    assert len(codes) == 2
    for code in codes:
        assert f'src="/api/v1/tickets/{code}/qr.svg"' in page
        assert f'href="/api/v1/tickets/{code}/page/"' in page
    assert customer.page.get(f"/api/v1/tickets/{codes[0]}/qr.svg").status_code == 200


def test_receipts_list_and_download_only_ones_own(fire):
    customer, stranger = _customer(fire), _customer(fire)
    with tenant_context(fire):
        Payment.objects.create(
            reference="dash-receipt-1", provider="stripe", purpose="charge", subject="booking:1",
            payer=customer.user, amount_minor=12345, currency="GBP", state="paid",
            idempotency_key="dash-receipt-1", paid_at=timezone.now(),
        )  # fmt: skip
        receipt = Receipt.objects.create(
            kind="payment", reference="dash-receipt-1", recipient=customer.user.email,
            language="en",
        )  # fmt: skip
    listed = _html(customer.page.get("/dashboard/receipts/"))
    assert "£123.45" in listed and "dash-receipt-1" in listed
    download = customer.page.get(f"/dashboard/receipts/{receipt.pk}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert "£123.45" in download.content.decode() and "dash-receipt-1" in download.content.decode()
    assert "dash-receipt-1" not in _html(stranger.page.get("/dashboard/receipts/"))
    assert stranger.page.get(f"/dashboard/receipts/{receipt.pk}/download/").status_code == 404
