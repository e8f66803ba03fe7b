"""Events: reserve tickets, pay, get them issued and e-mailed, open the ticket page and QR
image, check in at the door once, and read the organiser's figures; holds expire."""

import io
import threading
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from bookings.models import Attendee, Booking
from bookings.selectors.tickets import ticket_metrics_get
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.payments import booking_mark_paid
from bookings.services.tickets import ticket_check_in
from bookings.services.timers import bookings_run_due_timers
from catalog.models import TicketTier
from config.errors import ServiceError
from tests.bookings.test_concurrency import committed_marketplace, on_own_connection  # noqa: F401
from tests.support.client import api, assert_error
from tests.support.factories.accounts import UserFactory
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import ProviderProfileFactory, event


def _event(marketplace, **fields):
    organiser, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = event(provider=profile, location_name="Old Town Hall", **fields)
        tier = listing.ticket_tiers.get()
    return organiser, listing, tier


def _reserve(customer, listing, tier, quantity=1, **extra):
    response = customer.api.post(
        "/api/v1/bookings/",
        {"listing_id": listing.pk, "ticket_tier_id": tier.pk, "quantity": quantity, **extra},
    )
    assert response.status_code == 201, response.content
    return response.json()


def _pay(marketplace, booking_id, django_capture_on_commit_callbacks):
    with tenant_context(marketplace):
        booking = Booking.objects.get(pk=booking_id)
        with django_capture_on_commit_callbacks(execute=True):
            paid = booking_mark_paid(
                booking_id=booking_id,
                amount_minor=booking.buyer_total_minor,
                currency=booking.currency,
                reference=f"pay-{booking_id}",
            )
    return paid


def _ticket_mails():
    return [m for m in mail.outbox if m.subject.startswith("Your tickets")]


def test_tickets_are_issued_emailed_shown_and_checked_in_once(
    events, django_capture_on_commit_callbacks
):
    organiser, listing, tier = _event(events)
    customer = party(events)
    reserved = _reserve(
        customer,
        listing,
        tier,
        quantity=2,
        attendees=[
            {"name": "Ada Lovelace", "email": "ada@example.com"},
            {"name": "Bo Diddley", "email": ""},
        ],
    )
    booking_id = reserved["id"]
    assert reserved["state"] == "reserved"
    assert reserved["timer_transition"] == "release"

    # Reserved: no tickets yet, and the codes that exist are not valid anywhere.
    listed = customer.api.get(f"/api/v1/bookings/{booking_id}/tickets/").json()
    assert listed == {"booking_id": booking_id, "state": "reserved", "valid": False, "tickets": []}
    with tenant_context(events):
        codes = list(Attendee.objects.filter(booking_id=booking_id).values_list("code", flat=True))
    assert len(codes) == 2 and all(len(code) >= 16 for code in codes)
    anonymous = api(events)
    assert_error(anonymous.get(f"/api/v1/tickets/{codes[0]}/page/"), 404, "ticket_not_found")
    assert_error(
        organiser.api.post("/api/v1/check-in/", {"code": codes[0]}), 409, "ticket_not_valid"
    )

    assert _pay(events, booking_id, django_capture_on_commit_callbacks).state == "issued"

    # One e-mail to the buyer, the other attendee in blind copy, a QR image per ticket.
    sent = _ticket_mails()
    assert len(sent) == 1
    message = sent[0]
    assert message.to == [customer.user.email]
    assert message.bcc == ["ada@example.com"]
    images = [part for part in message.attachments if part.get_content_type() == "image/png"]
    assert len(images) == 2
    assert Image.open(io.BytesIO(images[0].get_payload(decode=True))).format == "PNG"
    html = message.alternatives[0][0]
    for code in codes:
        assert f"cid:ticket-{code}" in html
        assert f"/api/v1/tickets/{code}/page/" in message.body
    assert "Old Town Hall" in message.body

    listed = customer.api.get(f"/api/v1/bookings/{booking_id}/tickets/").json()
    assert listed["state"] == "issued" and listed["valid"] is True
    tickets = listed["tickets"]
    assert [t["name"] for t in tickets] == ["Ada Lovelace", "Bo Diddley"]
    assert {t["code"] for t in tickets} == set(codes)
    assert tickets[0]["tier"] == {"id": tier.pk, "name": "General"}
    assert tickets[0]["links"]["page"].endswith(f"/api/v1/tickets/{tickets[0]['code']}/page/")
    # The organiser sees the holders too; a stranger does not see the booking.
    assert len(organiser.api.get(f"/api/v1/bookings/{booking_id}/tickets/").json()["tickets"]) == 2
    assert_error(party(events).api.get(f"/api/v1/bookings/{booking_id}/tickets/"), 404)

    # The page and the QR image need only the code.
    code = tickets[0]["code"]
    page = anonymous.get(f"/api/v1/tickets/{code}/page/")
    assert page.status_code == 200, page.content
    assert page["Content-Type"].startswith("text/html")
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "no-referrer"
    text = page.content.decode()
    for expected in ("<svg", listing.title, "Old Town Hall", "General", "Ada Lovelace", code):
        assert expected in text
    png = anonymous.get(f"/api/v1/tickets/{code}/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size[0] >= 100
    svg = anonymous.get(f"/api/v1/tickets/{code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    assert_error(anonymous.get("/api/v1/tickets/not-a-real-code-at-all/qr.png"), 404)
    # The PDF too: one A6 page, private, in the reader's language.
    for language in ("en", "ar"):
        pdf = anonymous.get(f"/api/v1/tickets/{code}/ticket.pdf", HTTP_ACCEPT_LANGUAGE=language)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and pdf.content.count(b"/Type /Page\n") == 1
        assert pdf["Cache-Control"] == "private, no-store"
    assert tickets[0]["links"]["pdf"].endswith(f"/api/v1/tickets/{code}/ticket.pdf")
    arabic = anonymous.get(f"/api/v1/tickets/{code}/page/", HTTP_ACCEPT_LANGUAGE="ar").content
    assert b'dir="rtl"' in arabic and "التذكرة".encode() in arabic
    assert_error(anonymous.get("/api/v1/tickets/not-a-real-code-at-all/ticket.pdf"), 404)

    # Check-in: the organiser once; a second scan is refused with the first scan's time.
    first = organiser.api.post("/api/v1/check-in/", {"code": code})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["name"] == "Ada Lovelace" and body["booking_number"] == reserved["number"]
    again = assert_error(
        organiser.api.post("/api/v1/check-in/", {"code": code}), 409, "already_checked_in"
    )
    assert again["details"]["checked_in_at"] == body["checked_in_at"].replace("Z", "+00:00")
    with tenant_context(events):
        admitted = Attendee.objects.get(code=code)
        assert admitted.checked_in_by_id == organiser.user.pk
    # Another organiser, the buyer and unknown codes: not found. Staff may check in.
    other_organiser, _ = provider_party(events)
    other_code = tickets[1]["code"]
    assert_error(other_organiser.api.post("/api/v1/check-in/", {"code": other_code}), 404)
    assert_error(customer.api.post("/api/v1/check-in/", {"code": other_code}), 404)
    assert_error(organiser.api.post("/api/v1/check-in/", {"code": "nope"}), 404)
    assert_error(organiser.api.post("/api/v1/check-in/", {}), 400, "invalid")
    assert (
        staff_party(events).api.post("/api/v1/check-in/", {"code": other_code}).status_code == 200
    )
    assert "Checked in" in anonymous.get(f"/api/v1/tickets/{code}/page/").content.decode()


def test_the_ticket_email_is_in_the_buyers_language(events, django_capture_on_commit_callbacks):
    _, listing, tier = _event(events)
    customer = party(events)
    with tenant_context(events):
        customer.user.language = "ar"
        customer.user.save(update_fields=["language"])
    booking_id = _reserve(customer, listing, tier)["id"]

    _pay(events, booking_id, django_capture_on_commit_callbacks)

    (message,) = [m for m in mail.outbox if m.subject.startswith("تذاكرك")]
    assert "الرمز:" in message.body and "Code:" not in message.body
    assert "فاحتفظ بها لنفسك" in message.body
    html = message.alternatives[0][0]
    assert 'lang="ar" dir="rtl"' in html and "افتح هذه التذكرة أو اطبعها" in html
    assert f"«{listing.title}»" in message.body
    # The date as Arabic writes it (Babel), in the marketplace's time zone.
    starts = listing.starts_at.astimezone(ZoneInfo(events.time_zone))
    assert format_date(starts, "full", locale="ar") in message.body


def test_organiser_metrics_per_tier_in_constant_queries(events, django_capture_on_commit_callbacks):
    organiser, listing, general = _event(events, capacity=50, price_minor=2500)
    with tenant_context(events):
        vip = TicketTier.objects.create(listing=listing, name="VIP", price_minor=9000, capacity=5)
    first = _reserve(party(events), listing, general, quantity=2)
    second = _reserve(party(events), listing, vip, quantity=1)
    held = _reserve(party(events), listing, general, quantity=3)
    for booking in (first, second):
        _pay(events, booking["id"], django_capture_on_commit_callbacks)
    with tenant_context(events):
        code = Attendee.objects.filter(booking_id=first["id"]).first().code
    organiser.api.post("/api/v1/check-in/", {"code": code})

    response = organiser.api.get(f"/api/v1/listings/{listing.pk}/ticket-metrics/")
    assert response.status_code == 200, response.content
    figures = response.json()
    assert figures["currency"] == "USD"
    by_name = {row["name"]: row for row in figures["tiers"]}
    with tenant_context(events):
        paid = {b.pk: b for b in Booking.objects.filter(pk__in=[first["id"], second["id"]])}
    gen, vip_row = by_name["General"], by_name["VIP"]
    assert (gen["capacity"], gen["held"], gen["sold"], gen["remaining"]) == (50, 3, 2, 45)
    assert gen["gross_minor"] == 5000 == paid[first["id"]].price_minor
    assert gen["buyer_total_minor"] == paid[first["id"]].buyer_total_minor
    assert gen["buyer_fees_minor"] == paid[first["id"]].buyer_fee_minor > 0
    assert gen["checked_in"] == 1
    assert (vip_row["sold"], vip_row["remaining"], vip_row["gross_minor"]) == (1, 4, 9000)
    assert vip_row["checked_in"] == 0
    totals = figures["totals"]
    assert totals["sold"] == 3 and totals["held"] == 3 and totals["capacity"] == 55
    assert totals["gross_minor"] == 14000
    assert totals["buyer_total_minor"] == sum(b.buyer_total_minor for b in paid.values())
    assert held["id"] not in paid

    # Not the organiser: refused; staff may look.
    assert_error(party(events).api.get(f"/api/v1/listings/{listing.pk}/ticket-metrics/"), 403)
    staff = staff_party(events)
    assert staff.api.get(f"/api/v1/listings/{listing.pk}/ticket-metrics/").status_code == 200
    assert_error(organiser.api.get("/api/v1/listings/999999/ticket-metrics/"), 404)

    # The same number of queries for one tier and no bookings as for two tiers and many.
    _, empty_listing, _ = _event(events)
    with tenant_context(events):
        with CaptureQueriesContext(connection) as small:
            ticket_metrics_get(viewer=staff.user, listing_id=empty_listing.pk)
        with CaptureQueriesContext(connection) as large:
            ticket_metrics_get(viewer=staff.user, listing_id=listing.pk)
    assert len(small.captured_queries) == len(large.captured_queries) == 5


def test_an_expired_hold_is_released_and_gives_its_tickets_back(events):
    _, listing, tier = _event(events, capacity=10)
    customer = party(events)
    booking = _reserve(customer, listing, tier, quantity=3)
    with tenant_context(events):
        assert TicketTier.objects.get(pk=tier.pk).sold == 3
        # Not yet: the preset holds tickets for 10 minutes.
        bookings_run_due_timers(now=timezone.now() + timedelta(minutes=9))
        assert Booking.objects.get(pk=booking["id"]).state == "reserved"
        result = bookings_run_due_timers(now=timezone.now() + timedelta(minutes=11))
        assert result["fired"] >= 1
        released = Booking.objects.get(pk=booking["id"])
        assert released.state == "released"
        assert released.events.last().data == {"timer": True}
        assert TicketTier.objects.get(pk=tier.pk).sold == 0
    listed = customer.api.get(f"/api/v1/bookings/{booking['id']}/tickets/").json()
    assert listed["state"] == "released" and listed["tickets"] == []


def test_a_customer_releases_a_reservation(events):
    organiser, listing, tier = _event(events, capacity=10)
    customer = party(events)
    booking = _reserve(customer, listing, tier, quantity=4)
    assert_error(
        organiser.api.post(f"/api/v1/bookings/{booking['id']}/transitions/release/"),
        403,
        "wrong_actor",
    )
    released = customer.api.post(f"/api/v1/bookings/{booking['id']}/transitions/release/")
    assert released.status_code == 200, released.content
    assert released.json()["state"] == "released"
    with tenant_context(events):
        assert TicketTier.objects.get(pk=tier.pk).sold == 0
        code = Attendee.objects.filter(booking_id=booking["id"]).first().code
    assert_error(organiser.api.post("/api/v1/check-in/", {"code": code}), 409, "ticket_not_valid")
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking['id']}/transitions/release/"),
        409,
        "wrong_state",
    )


@pytest.mark.parametrize("path", ["tickets/", "deliveries/"])
def test_another_marketplace_gets_404(events, fire, path, django_capture_on_commit_callbacks):
    organiser, listing, tier = _event(events)
    booking = _reserve(party(events), listing, tier)
    _pay(events, booking["id"], django_capture_on_commit_callbacks)
    with tenant_context(events):
        code = Attendee.objects.filter(booking_id=booking["id"]).first().code
    outsider = staff_party(fire)
    assert_error(outsider.api.get(f"/api/v1/bookings/{booking['id']}/{path}"), 404)
    assert_error(outsider.api.post("/api/v1/check-in/", {"code": code}), 404, "ticket_not_found")
    assert_error(outsider.api.get(f"/api/v1/listings/{listing.pk}/ticket-metrics/"), 404)
    assert_error(api(fire).get(f"/api/v1/tickets/{code}/page/"), 404)
    assert_error(api(fire).get(f"/api/v1/tickets/{code}/qr.svg"), 404)


def test_two_scans_at_once_admit_the_ticket_once(committed_marketplace):  # noqa: F811
    events = committed_marketplace("events")

    def issued_ticket():
        with tenant_context(events):
            profile = ProviderProfileFactory()
            listing = event(provider=profile)
            buyer = UserFactory()
            booking = booking_create(
                actor=buyer,
                request=BookingRequest(
                    listing_id=listing.pk, ticket_tier_id=listing.ticket_tiers.get().pk
                ),
            )
            booking_mark_paid(
                booking_id=booking.pk,
                amount_minor=booking.buyer_total_minor,
                currency=booking.currency,
                reference="door-race",
            )
            return profile.user, booking.attendees.get().code

    organiser, code = on_own_connection(issued_ticket)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def scan():
        try:
            connection.set_tenant(events)
            barrier.wait(timeout=30)
            try:
                ticket_check_in(actor=organiser, code=code)
                outcomes.append("admitted")
            except ServiceError as exc:
                outcomes.append(f"{exc.status} {exc.code}")
        finally:
            connection.close()

    scanners = [threading.Thread(target=scan) for _ in range(2)]
    for scanner in scanners:
        scanner.start()
    for scanner in scanners:
        scanner.join(timeout=60)
    assert Counter(outcomes) == Counter({"admitted": 1, "409 already_checked_in": 1})


def test_listing_and_metrics_agree_on_held_sold_and_remaining(
    events, django_capture_on_commit_callbacks
):
    organiser, listing, tier = _event(events, capacity=10)
    reserved = _reserve(party(events), listing, tier, quantity=4)

    def figures():
        page = api(events).get(f"/api/v1/listings/{listing.pk}/").json()
        (shown,) = page["ticket_tiers"]
        metrics = organiser.api.get(f"/api/v1/listings/{listing.pk}/ticket-metrics/").json()
        (row,) = metrics["tiers"]
        listed = (shown["held"], shown["sold"], shown["remaining"])
        assert listed == (row["held"], row["sold"], row["remaining"])
        return listed

    assert figures() == (4, 0, 6)
    _pay(events, reserved["id"], django_capture_on_commit_callbacks)
    assert figures() == (0, 4, 6)
    with tenant_context(events):
        # The capacity CHECK still guards the seats taken, held or sold.
        assert TicketTier.objects.get(pk=tier.pk).sold == 4
