"""One provider, one pair of ids: ``provider.id`` is the provider profile id and
``provider.user_id`` the account behind it, in every response that names a provider."""

from tests.bookings.test_reviews import _completed_booking, _performer, _review
from tests.support.factories.bookings import party


def _results(body):
    return body["results"] if isinstance(body, dict) else body


def test_a_booking_its_thread_reviews_and_notifications_name_the_provider_alike(
    fire, django_capture_on_commit_callbacks
):
    provider, profile, listing = _performer(fire)
    customer = party(fire)
    with django_capture_on_commit_callbacks(execute=True):
        booking_id, end = _completed_booking(fire, provider, listing, customer)
    reviewed = _review(customer, booking_id, end, rating=5, text="Great")
    assert reviewed.status_code == 201, reviewed.content
    expected = {"id": profile.pk, "user_id": provider.user.pk, "display_name": profile.display_name}

    booking = customer.api.get(f"/api/v1/bookings/{booking_id}/").json()
    threads = _results(customer.api.get("/api/v1/threads/").json())
    thread = next(t for t in threads if t["booking"] and t["booking"]["id"] == booking_id)
    reviews = customer.api.get(f"/api/v1/bookings/{booking_id}/reviews/").json()
    feed = _results(customer.api.get(f"/api/v1/providers/{profile.pk}/reviews/").json())
    listing_body = customer.api.get(f"/api/v1/listings/{listing.pk}/").json()
    notifications = _results(customer.api.get("/api/v1/notifications/").json())

    assert booking["provider"] == expected
    assert thread["provider"] == expected
    assert [r["provider"] for r in _results(reviews)] == [expected]
    assert [(r["provider_id"], r["provider"]) for r in feed] == [(profile.pk, expected)]
    assert listing_body["provider"] == expected
    assert booking["customer"]["id"] == thread["customer"]["id"] == customer.user.pk
    # Notifications point at the booking; they carry no provider id under another name.
    mine = [n for n in notifications if n["booking_id"] == booking_id]
    assert mine
    assert all("provider" not in key for n in mine for key in n["data"])
