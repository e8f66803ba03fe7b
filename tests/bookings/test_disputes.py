"""Disputes: opened by a party on a paid order within its window, evidence, staff decision."""

import io
import logging
from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from PIL import Image

from billing.models import LedgerTransaction
from billing.money import Money
from bookings.models import Booking, BookingEvent, Dispute, DisputeEvidence
from bookings.services.payments import booking_mark_paid
from bookings.services.transitions import booking_transition
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import gig
from tests.support.orders import paid_gig_order


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(out, format="PNG")
    return out.getvalue()


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _evidence(who, booking_id, **fields):
    # Multipart, as a browser sends a file.
    return who.api.post_form(f"/api/v1/bookings/{booking_id}/dispute/evidence/", fields)


def test_open_add_evidence_and_resolve_with_a_partial_refund(
    gigs, talent, media_root, caplog, django_capture_on_commit_callbacks
):
    customer, provider, booking_id = paid_gig_order(gigs)
    base = f"/api/v1/bookings/{booking_id}/dispute/"
    stranger = party(gigs)
    assert_error(customer.api.get(base), 404, "dispute_not_found")
    assert_error(customer.api.post(base, {}), 400, "invalid")
    assert_error(stranger.api.post(base, {"reason": "Mine now"}), 404, "booking_not_found")
    assert_error(staff_party(gigs).api.post(base, {"reason": "Staff"}), 403, "wrong_actor")

    opened = customer.api.post(base, {"reason": "Nothing has started after a week."})
    assert opened.status_code == 201, opened.content
    dispute = opened.json()
    assert dispute["status"] == "open"
    assert dispute["opened_by_side"] == "customer"
    assert dispute["from_state"] == "paid"
    assert dispute["evidence"] == []
    assert_error(provider.api.post(base, {"reason": "Me too"}), 409, "already_disputed")
    with tenant_context(gigs):
        booking = Booking.objects.get(pk=booking_id)
        assert booking.state == "disputed"
        event = BookingEvent.objects.get(booking_id=booking_id, transition="dispute")
        assert event.actor_role == "customer" and event.from_state == "paid"
        assert event.data == {
            "dispute_id": dispute["id"],
            "reason": "Nothing has started after a week.",
        }
        paid_minor = booking.paid_minor

    # Evidence: text, a real image, a PDF; a fake file and an empty post are refused.
    said = _evidence(provider, booking_id, text="The brief arrived yesterday.")
    assert said.status_code == 201, said.content
    assert said.json()["file"] is None
    shown = _evidence(
        customer,
        booking_id,
        text="Screenshot of the chat",
        file=SimpleUploadedFile("chat.png", _png(), content_type="image/png"),
    )
    assert shown.status_code == 201, shown.content
    picture = shown.json()["file"]
    assert picture["content_type"] == "image/png" and picture["name"] == "chat.png"
    document = _evidence(
        customer, booking_id, file=SimpleUploadedFile("brief.pdf", _pdf(), "application/pdf")
    )
    assert document.status_code == 201, document.content
    assert document.json()["file"]["content_type"] == "application/pdf"
    fake = SimpleUploadedFile("invoice.png", b"MZ\x90\x00 not an image at all", "image/png")
    assert_error(_evidence(customer, booking_id, file=fake), 400, "unsupported_file")
    broken_pdf = SimpleUploadedFile("cut.pdf", b"%PDF-1.4\n1 0 obj", "application/pdf")
    assert_error(_evidence(customer, booking_id, file=broken_pdf), 400, "corrupt_file")
    assert_error(_evidence(customer, booking_id), 400, "evidence_empty")
    assert_error(_evidence(stranger, booking_id, text="Hi"), 404, "booking_not_found")
    with tenant_context(gigs):
        assert DisputeEvidence.objects.filter(dispute_id=dispute["id"]).count() == 3
    stored = sorted(p.suffix for p in media_root.rglob("*") if p.is_file())
    assert stored == [".pdf", ".png"]

    # The file is served to the parties only, as an attachment.
    download = provider.api.get(picture["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert_error(stranger.api.get(picture["url"]), 404)

    read = provider.api.get(base)
    assert read.status_code == 200
    assert [e["text"] for e in read.json()["evidence"]] == [
        "The brief arrived yesterday.",
        "Screenshot of the chat",
        "",
    ]
    assert_error(stranger.api.get(base), 404)

    # Only staff decide; the amounts are checked against what was paid.
    resolve = f"/api/v1/bookings/{booking_id}/dispute/resolve/"
    half = paid_minor // 2
    assert_error(provider.api.post(resolve, {"resolution": "release"}), 403, "wrong_actor")
    assert_error(customer.api.post(resolve, {"resolution": "full_refund"}), 403, "wrong_actor")
    assert_error(stranger.api.post(resolve, {"resolution": "release"}), 404)
    staff = staff_party(gigs)
    assert_error(
        staff.api.post(resolve, {"resolution": "partial_refund", "refund_minor": paid_minor}),
        400,
        "invalid_refund",
    )
    assert_error(staff.api.post(resolve, {"resolution": "partial_refund"}), 400, "invalid_refund")
    assert_error(
        staff.api.post(resolve, {"resolution": "release", "refund_minor": 5}),
        400,
        "invalid_refund",
    )
    assert_error(staff.api.post(resolve, {"resolution": "split"}), 400, "invalid")
    with tenant_context(gigs):
        assert Dispute.objects.get(pk=dispute["id"]).status == "open"

    queue = staff.api.get("/api/v1/disputes/", {"status": "open"}).json()["results"]
    assert [(d["id"], d["evidence_count"]) for d in queue] == [(dispute["id"], 3)]
    assert queue[0]["booking"]["paid_minor"] == paid_minor
    assert_error(customer.api.get("/api/v1/disputes/"), 403)

    caplog.set_level(logging.INFO, logger="billing.services.refunds")
    with django_capture_on_commit_callbacks(execute=True):
        decided = staff.api.post(
            resolve,
            {"resolution": "partial_refund", "refund_minor": half, "note": "Late start."},
        )
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "resolved"
    assert body["resolution"] == "partial_refund"
    assert body["refund_minor"] == half
    assert body["decision_note"] == "Late start."
    # Billing was handed the decision after the commit. This order was paid outside billing
    # (booking_mark_paid directly), so billing holds nothing of it to refund, and says so;
    # tests/billing/test_refunds.py follows money paid through a provider.
    handed = [r for r in caplog.records if r.name == "billing.services.refunds"]
    assert len(handed) == 1 and f"booking:{booking_id}" in handed[0].getMessage()
    assert f"refund of {Money(half, 'USD')} decided" in handed[0].getMessage()
    with tenant_context(gigs):
        booking = Booking.objects.get(pk=booking_id)
        assert booking.state == "resolved"
        event = BookingEvent.objects.get(booking_id=booking_id, transition="resolve")
        assert event.actor_role == "staff" and event.actor_id == staff.user.pk
        assert event.data == {
            "dispute_id": dispute["id"],
            "resolution": "partial_refund",
            "refund_minor": half,
            "paid_minor": paid_minor,
            "note": "Late start.",
        }
        stored_dispute = Dispute.objects.get(pk=dispute["id"])
        assert stored_dispute.decided_by_id == staff.user.pk
    assert_error(staff.api.post(resolve, {"resolution": "release"}), 409, "dispute_closed")
    assert_error(_evidence(customer, booking_id, text="One more"), 409, "dispute_closed")
    assert staff.api.get("/api/v1/disputes/", {"status": "open"}).json()["results"] == []
    resolved = staff.api.get("/api/v1/disputes/", {"status": "resolved"}).json()["results"]
    assert [d["id"] for d in resolved] == [dispute["id"]]

    # Another marketplace's users and staff know nothing of it.
    outsider, outsider_staff = party(talent), staff_party(talent)
    assert_error(outsider.api.get(base), 404)
    assert_error(outsider.api.post(base, {"reason": "x"}), 404)
    assert_error(outsider.api.post(f"{base}evidence/", {"text": "x"}), 404)
    assert_error(outsider_staff.api.post(resolve, {"resolution": "release"}), 404)
    assert outsider_staff.api.get("/api/v1/disputes/").json()["results"] == []


def test_the_window_counts_from_payment_then_from_delivery(gigs):
    customer, provider, booking_id = paid_gig_order(gigs)
    base = f"/api/v1/bookings/{booking_id}/dispute/"
    with time_machine.travel(timedelta(days=14, hours=1)):
        late = customer.api.post(base, {"reason": "Too late?"})
    assert_error(late, 409, "dispute_window_closed")
    with tenant_context(gigs):
        assert not Dispute.objects.exists()
        assert Booking.objects.get(pk=booking_id).state == "paid"

    # Delivered ten days after payment: the window restarts from the delivery.
    with tenant_context(gigs), time_machine.travel(timedelta(days=10)):
        booking_transition(booking_id=booking_id, transition="start", actor=provider.user)
        booking_transition(booking_id=booking_id, transition="deliver", actor=provider.user)
    with time_machine.travel(timedelta(days=20)):
        opened = provider.api.post(base, {"reason": "The customer stopped answering."})
    assert opened.status_code == 201, opened.content
    assert opened.json()["opened_by_side"] == "provider"
    assert opened.json()["from_state"] == "delivered"
    with tenant_context(gigs):
        booking = Booking.objects.get(pk=booking_id)
        # The delivered state's auto-complete timer is disarmed while the dispute is open.
        assert booking.state == "disputed" and booking.timer_due_at is None


def test_unpaid_or_finished_orders_cannot_be_disputed(gigs):
    provider, profile = provider_party(gigs)
    with tenant_context(gigs):
        listing = gig(provider=profile)
        package_id = listing.packages.get(tier="basic").pk
    customer = party(gigs)
    booking_id = customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "package_id": package_id}
    ).json()["id"]
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/dispute/", {"reason": "x"}),
        409,
        "wrong_state",
    )
    # The generic transitions endpoint points here.
    assert_error(
        customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/dispute/"),
        409,
        "use_dedicated_endpoint",
    )
    with tenant_context(gigs):
        assert not Dispute.objects.exists()


def test_full_refund_and_release_amounts(gigs):
    staff = staff_party(gigs)
    decided, queue_queries = {}, []
    for resolution in ("full_refund", "release"):
        customer, provider, booking_id = paid_gig_order(gigs)
        customer.api.post(f"/api/v1/bookings/{booking_id}/dispute/", {"reason": "Bad work"})
        answer = staff.api.post(
            f"/api/v1/bookings/{booking_id}/dispute/resolve/", {"resolution": resolution}
        )
        assert answer.status_code == 200, answer.content
        with tenant_context(gigs):
            decided[resolution] = (
                answer.json()["refund_minor"],
                Booking.objects.get(pk=booking_id).paid_minor,
            )
        with CaptureQueriesContext(connection) as queries:
            queue = staff.api.get("/api/v1/disputes/")
        assert queue.status_code == 200
        queue_queries.append((len(queue.json()["results"]), len(queries)))
    # The staff queue costs the same with one dispute or two.
    assert [n for n, _ in queue_queries] == [1, 2]
    assert len({q for _, q in queue_queries}) == 1, queue_queries
    refund, paid = decided["full_refund"]
    assert refund == paid > 0
    assert decided["release"][0] == 0


def test_a_talent_quote_is_disputed_by_the_provider_and_released(
    talent, caplog, django_capture_on_commit_callbacks
):
    from tests.support.factories.catalog import listing_of

    provider, profile = provider_party(talent)
    with tenant_context(talent):
        listing = listing_of("quoted-service", provider=profile, price_minor=0)
    customer = party(talent)
    booking_id = customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "note": "حفل زفاف"}
    ).json()["id"]
    quoted = provider.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/quote/", {"price_minor": 50_000_000}
    )
    assert quoted.status_code == 200, quoted.content
    customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    with tenant_context(talent):
        booking = Booking.objects.get(pk=booking_id)
        booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor,
            currency="IQD",
            reference="fib-1",
        )
    opened = provider.api.post(
        f"/api/v1/bookings/{booking_id}/dispute/", {"reason": "العميل لا يرد"}
    )
    assert opened.status_code == 201, opened.content
    assert opened.json()["from_state"] == "paid"
    caplog.set_level(logging.INFO, logger="billing.services.refunds")
    with django_capture_on_commit_callbacks(execute=True):
        released = staff_party(talent).api.post(
            f"/api/v1/bookings/{booking_id}/dispute/resolve/", {"resolution": "release"}
        )
    assert released.status_code == 200, released.content
    assert (released.json()["resolution"], released.json()["refund_minor"]) == ("release", 0)
    # A release refunds nothing; this quote was paid outside billing (booking_mark_paid
    # directly), so billing holds nothing of it to release either: no money moved, no warning.
    assert [r for r in caplog.records if r.name == "billing.services.refunds"] == []
    with tenant_context(talent):
        assert Booking.objects.get(pk=booking_id).state == "resolved"
        assert not LedgerTransaction.objects.filter(subject=f"booking:{booking_id}").exists()
