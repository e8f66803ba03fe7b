"""Notifications of booking events: who hears of what, e-mails in the recipient's language
(Arabic by default on the talent marketplace), the in-app feed and its unread count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from accounts.models import User
from bookings.models import Booking, BookingEvent, Notification
from bookings.services.notifications import booking_event_notifications_send
from bookings.services.payments import booking_mark_paid
from tests.support.client import assert_error
from tests.support.factories.bookings import evening, party, provider_party, staff_party
from tests.support.factories.catalog import listing_of


def _by_recipient(outbox):
    return {message.to[0]: message for message in outbox}


def test_quote_flow_notifies_each_side_in_their_language(
    talent, fire, django_capture_on_commit_callbacks, mailoutbox
):
    provider, profile = provider_party(talent)  # no language of their own: the marketplace's
    customer = party(talent, language="en")
    with tenant_context(talent):
        listing = listing_of("quoted-service", provider=profile, title="Oud for a wedding")

    with django_capture_on_commit_callbacks(execute=True):
        created = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk})
    assert created.status_code == 201, created.content
    booking_id, number = created.json()["id"], created.json()["number"]
    assert [m.to for m in mailoutbox] == [[provider.user.email]]
    request_mail = mailoutbox[0]
    assert request_mail.subject == f"[Talent Test] طلب جديد {number}"
    assert "«Oud for a wedding»" in request_mail.body
    html, content_type = request_mail.alternatives[0]
    assert content_type == "text/html" and 'dir="rtl"' in html
    assert request_mail.extra_headers["Content-Language"] == "ar"

    with django_capture_on_commit_callbacks(execute=True):
        provider.api.post(
            f"/api/v1/bookings/{booking_id}/transitions/quote/", {"price_minor": 50_000_000}
        )
    quote_mail = mailoutbox[1]
    assert quote_mail.to == [customer.user.email]
    assert quote_mail.subject == f"[Talent Test] Quote received for {number}"

    with django_capture_on_commit_callbacks(execute=True):
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert mailoutbox[2].to == [provider.user.email]
    assert mailoutbox[2].subject == f"[Talent Test] تم قبول عرض السعر {number}"

    with tenant_context(talent), django_capture_on_commit_callbacks(execute=True):
        booking = Booking.objects.get(pk=booking_id)
        booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor,
            currency=booking.currency,
            reference="pay-1",
        )
    paid = _by_recipient(mailoutbox[3:])
    assert paid[provider.user.email].subject == f"[Talent Test] تم دفع الحجز {number}"
    assert paid[customer.user.email].subject == f"[Talent Test] Booking {number} paid"
    assert len(mailoutbox) == 5

    with tenant_context(talent):
        assert not Notification.objects.filter(booking_id=booking_id, emailed_at=None).exists()
        # The same events again notify nobody twice.
        for event in BookingEvent.objects.filter(booking_id=booking_id):
            assert booking_event_notifications_send(event_id=event.pk) == []
        assert Notification.objects.filter(booking_id=booking_id).count() == 5
    assert len(mailoutbox) == 5

    feed = provider.api.get("/api/v1/notifications/").json()["results"]
    assert [n["kind"] for n in feed] == ["booking_paid", "quote_accepted", "new_request"]
    assert feed[0]["title"] == f"تم دفع الحجز {number}"
    assert feed[0]["booking_id"] == booking_id and feed[0]["read"] is False
    assert [n["kind"] for n in customer.api.get("/api/v1/notifications/").json()["results"]] == [
        "booking_paid",
        "quote_received",
    ]
    count_url = "/api/v1/notifications/unread-count/"
    assert provider.api.get(count_url).json() == {"unread": 3}

    read_url = "/api/v1/notifications/read/"
    # Someone else's ids are not found, and nothing is marked.
    assert_error(
        customer.api.post(read_url, {"ids": [feed[0]["id"]]}), 404, "notification_not_found"
    )
    marked = provider.api.post(read_url, {"ids": [feed[0]["id"]]})
    assert marked.status_code == 200, marked.content
    assert marked.json() == {"marked": 1, "unread": 2}
    assert provider.api.post(read_url, {"all": True}).json() == {"marked": 2, "unread": 0}
    assert customer.api.get(count_url).json() == {"unread": 2}

    # Another marketplace's user sees nothing and finds nothing.
    stranger = party(fire)
    assert stranger.api.get("/api/v1/notifications/").json()["results"] == []
    assert stranger.api.get(count_url).json() == {"unread": 0}
    assert_error(stranger.api.post(read_url, {"ids": [feed[1]["id"]]}), 404)


def test_mark_read_refuses_bad_input(fire):
    someone = party(fire)
    with tenant_context(fire):
        entry = Notification.objects.create(user=someone.user, kind="new_request", title="x")
    url = "/api/v1/notifications/read/"
    assert_error(someone.api.post(url, {}), 400, "invalid_selection")
    assert_error(someone.api.post(url, {"ids": [entry.pk], "all": True}), 400)
    assert_error(someone.api.post(url, {"ids": "all"}), 400)
    assert_error(someone.api.post(url, {"ids": [0]}), 400)
    with tenant_context(fire):
        entry.refresh_from_db()
        assert entry.read_at is None


def _date_booking(marketplace):
    provider, profile = provider_party(marketplace)
    customer = party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("performance", provider=profile, title="Fire show")
    start, end = evening()
    response = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
    )
    assert response.status_code == 201, response.content
    return provider, customer, response.json()["id"]


def _event(booking_id, transition, actor_role, actor=None, to_state="x"):
    return BookingEvent.objects.create(
        booking_id=booking_id,
        transition=transition,
        from_state="paid",
        to_state=to_state,
        actor_role=actor_role,
        actor=actor,
    )


def test_disputes_go_to_the_other_party_and_staff_completion_asks_both_for_a_review(
    fire, mailoutbox
):
    provider, customer, booking_id = _date_booking(fire)
    staff = staff_party(fire)
    with tenant_context(fire):
        User.objects.filter(pk=staff.user.pk).update(language="ar")
        dispute = _event(booking_id, "dispute", "customer", customer.user, "disputed")
        sent = booking_event_notifications_send(event_id=dispute.pk)
        all_staff = set(
            User.objects.filter(role=User.Role.STAFF, is_active=True).values_list("pk", flat=True)
        )
    assert {n.user_id for n in sent} == {provider.user.pk} | all_staff
    assert customer.user.pk not in {n.user_id for n in sent}
    mails = _by_recipient(mailoutbox)
    assert mails[provider.user.email].subject.startswith("[Fire Test] Dispute opened on ")
    # A user's own language wins over the marketplace's.
    assert mails[staff.user.email].subject.startswith("[Fire Test] فُتح نزاع على ")

    mailoutbox.clear()
    with tenant_context(fire):
        complete = _event(booking_id, "complete", "provider", provider.user, "completed")
        sent = booking_event_notifications_send(event_id=complete.pk)
    assert {n.user_id for n in sent} == {provider.user.pk, customer.user.pk}
    assert {n.kind for n in sent} == {"completed"}
    assert "leave a review" in _by_recipient(mailoutbox)[customer.user.email].body

    mailoutbox.clear()
    with tenant_context(fire):
        cancel = _event(booking_id, "cancel", "customer", customer.user, "cancelled")
        assert {n.user_id for n in booking_event_notifications_send(event_id=cancel.pk)} == {
            provider.user.pk,
            customer.user.pk,
        }
        # Steps nobody needs to hear of make no entries.
        quiet = _event(booking_id, "start", "provider", provider.user, "in_progress")
        assert booking_event_notifications_send(event_id=quiet.pk) == []
    assert len(mailoutbox) == 2


def test_feed_runs_a_constant_number_of_queries(fire):
    someone = party(fire)

    def add(count):
        with tenant_context(fire):
            Notification.objects.bulk_create(
                Notification(user=someone.user, kind="new_request", title=f"n{i}")
                for i in range(count)
            )

    add(1)
    someone.api.get("/api/v1/notifications/")  # warm the per-process caches (routing, token)
    with CaptureQueriesContext(connection) as one:
        assert len(someone.api.get("/api/v1/notifications/").json()["results"]) == 1
    add(9)
    with CaptureQueriesContext(connection) as ten:
        assert len(someone.api.get("/api/v1/notifications/").json()["results"]) == 10
    assert len(ten.captured_queries) == len(one.captured_queries)
