"""Reviews of completed bookings: one per side, provider aggregates, report and appeal."""

from datetime import timedelta
from decimal import Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from bookings.api.reviews import ReviewSerializer
from bookings.models import Booking, BookingEvent, Review, ReviewReport, ReviewReportEvent
from bookings.selectors.reviews import review_list_of_provider
from bookings.services.payments import booking_mark_paid
from bookings.services.timers import bookings_run_due_timers
from catalog.models import ProviderProfile
from tests.support.client import assert_error
from tests.support.factories.bookings import evening, party, provider_party, staff_party
from tests.support.factories.catalog import listing_of


def _pay(marketplace, booking_id, amount, reference):
    with tenant_context(marketplace):
        booking = Booking.objects.get(pk=booking_id)
        booking_mark_paid(
            booking_id=booking_id,
            amount_minor=amount,
            currency=booking.currency,
            reference=reference,
        )


def _paid_booking(marketplace, provider, listing, customer, days=30):
    """A fire-performers date booking through the API: requested, accepted, fully paid."""
    start, end = evening(days=days)
    created = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
    )
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    accepted = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert accepted.status_code == 200, accepted.content
    money = accepted.json()["money"]
    _pay(marketplace, booking_id, money["deposit_minor"], f"dep-{booking_id}")
    _pay(marketplace, booking_id, money["balance_minor"], f"fin-{booking_id}")
    return booking_id, end


def _completed_booking(marketplace, provider, listing, customer, days=30):
    booking_id, end = _paid_booking(marketplace, provider, listing, customer, days)
    with time_machine.travel(end + timedelta(hours=1)):
        done = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "completed"
    return booking_id, end


def _performer(marketplace):
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("performance", provider=profile, price_minor=60000)
    return provider, profile, listing


def _review(who, booking_id, end, **body):
    # Reviews are written a day after the show unless the test says otherwise.
    with time_machine.travel(end + timedelta(days=1)):
        return who.api.post(f"/api/v1/bookings/{booking_id}/reviews/", body)


def _aggregates(marketplace, profile):
    with tenant_context(marketplace):
        fresh = ProviderProfile.objects.get(pk=profile.pk)
        return fresh.rating_count, fresh.rating_sum, fresh.rating_avg


def test_both_sides_review_a_completed_date_booking(fire):
    provider, profile, listing = _performer(fire)
    customer = party(fire)
    booking_id, end = _completed_booking(fire, provider, listing, customer)

    written = _review(
        customer,
        booking_id,
        end,
        rating=5,
        professionalism=5,
        communication=4,
        value=4,
        text="Breathtaking fire show.",
    )
    assert written.status_code == 201, written.content
    body = written.json()
    assert body["side"] == "customer"
    assert body["author"]["id"] == customer.user.pk
    assert body["provider_id"] == profile.pk
    assert (body["rating"], body["professionalism"], body["communication"], body["value"]) == (
        5,
        5,
        4,
        4,
    )
    assert body["status"] == "published"
    with tenant_context(fire):
        booking = Booking.objects.get(pk=booking_id)
        assert booking.state == "reviewed"
        assert booking.timer_due_at is None
        event = BookingEvent.objects.get(booking_id=booking_id, transition="review")
        assert event.actor_role == "system" and event.actor is None
        assert event.data == {"review_id": body["id"], "rating": 5}
    assert _aggregates(fire, profile) == (1, 5, Decimal("5.00"))

    # The provider rates the customer; that feeds no provider aggregate.
    about_customer = _review(provider, booking_id, end, rating=3, text="Late to pay.")
    assert about_customer.status_code == 201, about_customer.content
    assert about_customer.json()["side"] == "provider"
    assert _aggregates(fire, profile) == (1, 5, Decimal("5.00"))

    # One review per side.
    assert_error(_review(customer, booking_id, end, rating=1), 409, "already_reviewed")
    assert_error(_review(provider, booking_id, end, rating=1), 409, "already_reviewed")
    # Staff take no side; strangers do not see the booking.
    assert_error(_review(staff_party(fire), booking_id, end, rating=1), 403, "wrong_actor")
    assert_error(_review(party(fire), booking_id, end, rating=1), 404, "booking_not_found")

    listed = customer.api.get(f"/api/v1/bookings/{booking_id}/reviews/")
    assert listed.status_code == 200
    assert [r["side"] for r in listed.json()] == ["customer", "provider"]
    assert_error(party(fire).api.get(f"/api/v1/bookings/{booking_id}/reviews/"), 404)
    with tenant_context(fire):
        assert Review.objects.filter(booking_id=booking_id).count() == 2


def test_no_review_before_completion_or_after_the_window(fire):
    provider, profile, listing = _performer(fire)
    customer = party(fire)
    booking_id, end = _paid_booking(fire, provider, listing, customer)
    assert_error(_review(customer, booking_id, end, rating=5), 409, "not_completed")
    assert_error(_review(provider, booking_id, end, rating=5), 409, "not_completed")

    with time_machine.travel(end + timedelta(hours=1)):
        provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/complete/")
    # Bad input is refused before anything else and writes nothing.
    assert_error(_review(customer, booking_id, end, rating=6), 400, "invalid")
    assert_error(_review(customer, booking_id, end, rating=4, value=0), 400, "invalid")
    assert_error(_review(customer, booking_id, end), 400, "invalid")
    with tenant_context(fire):
        assert not Review.objects.exists()
        # Fourteen days after completion the system closes the booking as reviewed; the
        # customer may still write their review then (no further step is taken).
        with time_machine.travel(end + timedelta(days=15)):
            assert bookings_run_due_timers()["fired"] == 1
        assert Booking.objects.get(pk=booking_id).state == "reviewed"
    with time_machine.travel(end + timedelta(days=16)):
        late = customer.api.post(f"/api/v1/bookings/{booking_id}/reviews/", {"rating": 4})
    assert late.status_code == 201, late.content
    # The window (30 days by default) closes for the provider's side.
    with time_machine.travel(end + timedelta(days=31, hours=2)):
        closed = provider.api.post(f"/api/v1/bookings/{booking_id}/reviews/", {"rating": 4})
    assert_error(closed, 409, "review_window_closed")
    with tenant_context(fire):
        assert list(Review.objects.values_list("side", flat=True)) == ["customer"]
        assert BookingEvent.objects.filter(booking_id=booking_id, transition="review").count() == 1
    assert _aggregates(fire, profile) == (1, 4, Decimal("4.00"))


def test_public_feed_summary_and_constant_queries(fire, talent, django_assert_num_queries):
    provider, profile, listing = _performer(fire)
    visitor = party(fire)
    # The token's first use records last_used_at (one UPDATE a minute): not the feed's cost.
    assert visitor.api.get("/api/v1/me/").status_code == 200
    ratings = [(5, 5, None), (4, 3, 4), (4, None, 5)]
    query_counts = []
    for index, (rating, professionalism, value) in enumerate(ratings):
        customer = party(fire)
        booking_id, end = _completed_booking(fire, provider, listing, customer, days=30 + index)
        review = _review(
            customer,
            booking_id,
            end,
            rating=rating,
            professionalism=professionalism,
            value=value,
            text=f"Show {index}",
        )
        assert review.status_code == 201, review.content
        # Provider-side reviews never show in the provider's public feed.
        assert _review(provider, booking_id, end, rating=2).status_code == 201
        with CaptureQueriesContext(connection) as queries:
            feed = visitor.api.get(f"/api/v1/providers/{profile.pk}/reviews/")
        assert feed.status_code == 200
        query_counts.append(len(queries))
    assert len(set(query_counts)) == 1, query_counts

    body = feed.json()
    assert body["count"] == 3
    assert [r["text"] for r in body["results"]] == ["Show 2", "Show 1", "Show 0"]
    assert {r["side"] for r in body["results"]} == {"customer"}
    # Averages over every published customer review; an unrated sub-rating averages to null.
    assert body["summary"] == {
        "count": 3,
        "rating": 4.33,
        "professionalism": 4.0,
        "communication": None,
        "value": 4.5,
    }
    assert _aggregates(fire, profile) == (3, 13, Decimal("4.33"))
    # Pinned: the provider check, the summary and the page, whatever the page holds.
    with tenant_context(fire), django_assert_num_queries(3):
        reviews, summary = review_list_of_provider(provider=profile.pk)
        assert len(ReviewSerializer(list(reviews[:20]), many=True).data) == 3
    paged = visitor.api.get(f"/api/v1/providers/{profile.pk}/reviews/", {"page_size": 1})
    assert len(paged.json()["results"]) == 1 and paged.json()["next"]
    # Anonymous visitors read it too; another marketplace knows no such provider.
    from tests.support.client import api

    assert api(fire).get(f"/api/v1/providers/{profile.pk}/reviews/").status_code == 200
    with tenant_context(talent):
        assert not ProviderProfile.objects.filter(pk=profile.pk).exists()
    assert_error(party(talent).api.get(f"/api/v1/providers/{profile.pk}/reviews/"), 404)


def test_report_uphold_appeal_reinstate(fire, talent):
    provider, profile, listing = _performer(fire)
    customer, other = party(fire), party(fire)
    first_id, first_end = _completed_booking(fire, provider, listing, customer, days=30)
    second_id, second_end = _completed_booking(fire, provider, listing, other, days=31)
    harsh = _review(customer, first_id, first_end, rating=1, text="Call me on 0770 123 4567").json()
    assert _review(other, second_id, second_end, rating=5).status_code == 201
    assert _aggregates(fire, profile) == (2, 6, Decimal("3.00"))

    reported = provider.api.post(f"/api/v1/reviews/{harsh['id']}/report/", {"reason": "Phone"})
    assert reported.status_code == 201, reported.content
    report = reported.json()
    assert report["status"] == "open" and report["review"]["id"] == harsh["id"]
    assert_error(
        provider.api.post(f"/api/v1/reviews/{harsh['id']}/report/", {"reason": "Again"}),
        409,
        "already_reported",
    )
    assert_error(
        customer.api.post(f"/api/v1/reviews/{harsh['id']}/report/", {"reason": "Mine"}),
        403,
        "own_review",
    )
    assert_error(provider.api.post(f"/api/v1/reviews/{harsh['id']}/report/", {}), 400, "invalid")
    # Another marketplace's users know neither the review nor the report.
    outsider_staff = staff_party(talent)
    assert_error(
        party(talent).api.post(f"/api/v1/reviews/{harsh['id']}/report/", {"reason": "x"}), 404
    )
    assert_error(
        outsider_staff.api.post(
            f"/api/v1/review-reports/{report['id']}/decide/", {"decision": "uphold"}
        ),
        404,
    )
    assert outsider_staff.api.get("/api/v1/review-reports/").json()["results"] == []

    staff = staff_party(fire)
    assert_error(provider.api.get("/api/v1/review-reports/"), 403)
    queue = staff.api.get("/api/v1/review-reports/", {"status": "open"}).json()["results"]
    assert [r["id"] for r in queue] == [report["id"]]
    assert_error(staff.api.get("/api/v1/review-reports/", {"status": "nope"}), 400)
    decide = f"/api/v1/review-reports/{report['id']}/decide/"
    assert_error(provider.api.post(decide, {"decision": "uphold"}), 403)
    assert_error(staff.api.post(decide, {"decision": "maybe"}), 400)
    # Not yet decided: nothing to appeal.
    appeal = f"/api/v1/review-reports/{report['id']}/appeal/"
    assert_error(customer.api.post(appeal, {"text": "Unfair"}), 409, "wrong_state")

    upheld = staff.api.post(decide, {"decision": "uphold", "note": "Personal data."})
    assert upheld.status_code == 200, upheld.content
    assert upheld.json()["status"] == "upheld"
    assert upheld.json()["review"]["status"] == "removed"
    assert _aggregates(fire, profile) == (1, 5, Decimal("5.00"))
    assert_error(staff.api.post(decide, {"decision": "dismiss"}), 409, "wrong_state")
    feed = party(fire).api.get(f"/api/v1/providers/{profile.pk}/reviews/").json()
    assert [r["id"] for r in feed["results"]] != [harsh["id"]] and feed["count"] == 1
    # A removed review cannot be reported again.
    assert_error(
        other.api.post(f"/api/v1/reviews/{harsh['id']}/report/", {"reason": "x"}),
        409,
        "wrong_state",
    )

    # Only the author appeals, once.
    assert_error(provider.api.post(appeal, {"text": "Me too"}), 403, "wrong_actor")
    appealed = customer.api.post(appeal, {"text": "I removed the number, please restore."})
    assert appealed.status_code == 200, appealed.content
    assert appealed.json()["status"] == "appealed"
    assert_error(customer.api.post(appeal, {"text": "Again"}), 409, "wrong_state")

    decide_appeal = f"/api/v1/review-reports/{report['id']}/decide-appeal/"
    assert_error(customer.api.post(decide_appeal, {"decision": "reinstate"}), 403)
    reinstated = staff.api.post(decide_appeal, {"decision": "reinstate", "note": "Fair."})
    assert reinstated.status_code == 200, reinstated.content
    assert reinstated.json()["status"] == "reinstated"
    assert reinstated.json()["review"]["status"] == "published"
    assert _aggregates(fire, profile) == (2, 6, Decimal("3.00"))
    assert_error(staff.api.post(decide_appeal, {"decision": "reject"}), 409, "wrong_state")
    with tenant_context(fire):
        stored = ReviewReport.objects.get(pk=report["id"])
        assert stored.decided_by_id == staff.user.pk
        assert stored.decision_note == "Personal data.\n\nAppeal: Fair."


def test_dismissed_report_keeps_the_review_and_rejected_appeal_keeps_it_removed(fire):
    provider, profile, listing = _performer(fire)
    customer = party(fire)
    booking_id, end = _completed_booking(fire, provider, listing, customer)
    review = _review(customer, booking_id, end, rating=2).json()
    staff = staff_party(fire)
    first = provider.api.post(f"/api/v1/reviews/{review['id']}/report/", {"reason": "Unfair"})
    dismissed = staff.api.post(
        f"/api/v1/review-reports/{first.json()['id']}/decide/", {"decision": "dismiss"}
    )
    assert dismissed.json()["status"] == "dismissed"
    assert dismissed.json()["review"]["status"] == "published"
    assert_error(
        customer.api.post(
            f"/api/v1/review-reports/{first.json()['id']}/appeal/", {"text": "Nothing to appeal"}
        ),
        409,
        "wrong_state",
    )
    assert _aggregates(fire, profile) == (1, 2, Decimal("2.00"))

    second = party(fire).api.post(f"/api/v1/reviews/{review['id']}/report/", {"reason": "Spam"})
    report_id = second.json()["id"]
    staff.api.post(f"/api/v1/review-reports/{report_id}/decide/", {"decision": "uphold"})
    assert _aggregates(fire, profile) == (0, 0, Decimal("0.00"))
    customer.api.post(f"/api/v1/review-reports/{report_id}/appeal/", {"text": "Please"})
    rejected = staff.api.post(
        f"/api/v1/review-reports/{report_id}/decide-appeal/", {"decision": "reject"}
    )
    assert rejected.json()["status"] == "appeal_rejected"
    assert rejected.json()["review"]["status"] == "removed"
    assert _aggregates(fire, profile) == (0, 0, Decimal("0.00"))


def test_a_product_order_is_reviewed_once_delivered(psychic):
    from bookings.services.transitions import booking_transition

    provider, profile = provider_party(psychic)
    with tenant_context(psychic):
        listing = listing_of("digital-product", provider=profile, price_minor=1500, stock=5)
    customer = party(psychic)
    booking_id = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk}).json()["id"]
    _pay(psychic, booking_id, 1500, "pi_review")
    reviews = f"/api/v1/bookings/{booking_id}/reviews/"
    assert_error(customer.api.post(reviews, {"rating": 5}), 409, "not_completed")
    with tenant_context(psychic):
        booking_transition(booking_id=booking_id, transition="deliver", actor=provider.user)
    written = customer.api.post(reviews, {"rating": 4, "value": 5, "text": "Clear guide."})
    assert written.status_code == 201, written.content
    with tenant_context(psychic):
        # A product order has no review step: it stays delivered.
        assert Booking.objects.get(pk=booking_id).state == "delivered"
    assert _aggregates(psychic, profile) == (1, 4, Decimal("4.00"))


def test_each_decision_on_a_report_keeps_its_own_actor_and_time(fire):
    # The report row shows the latest decision; the first one must not be lost with it.
    provider, _profile, listing = _performer(fire)
    customer = party(fire)
    booking_id, end = _completed_booking(fire, provider, listing, customer)
    review = _review(customer, booking_id, end, rating=1).json()
    first_staff, second_staff = staff_party(fire), staff_party(fire)
    report_id = provider.api.post(
        f"/api/v1/reviews/{review['id']}/report/", {"reason": "Abusive"}
    ).json()["id"]
    first_staff.api.post(
        f"/api/v1/review-reports/{report_id}/decide/", {"decision": "uphold", "note": "Abuse."}
    )
    customer.api.post(f"/api/v1/review-reports/{report_id}/appeal/", {"text": "It was fair"})
    second_staff.api.post(
        f"/api/v1/review-reports/{report_id}/decide-appeal/",
        {"decision": "reinstate", "note": "Fair criticism."},
    )

    with tenant_context(fire):
        events = list(
            ReviewReportEvent.objects.filter(report_id=report_id).values_list(
                "action", "from_status", "to_status", "actor_id", "note"
            )
        )
    assert events == [
        ("reported", "", "open", provider.user.pk, "Abusive"),
        ("decided", "open", "upheld", first_staff.user.pk, "Abuse."),
        ("appealed", "upheld", "appealed", customer.user.pk, "It was fair"),
        ("appeal_decided", "appealed", "reinstated", second_staff.user.pk, "Fair criticism."),
    ]
