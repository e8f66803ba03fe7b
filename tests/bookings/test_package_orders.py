"""Freelancers: order a gig package, pay, start, deliver files, ask for revisions up to the
package's limit, complete; late flags and auto-completion by the timers; quotes deliver too."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from bookings.models import Booking, BookingEvent, Delivery, DeliveryFile
from bookings.services.payments import booking_mark_paid
from bookings.services.timers import bookings_run_due_timers
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import gig, listing_of
from tests.support.files import image_bytes, minimal_mp4

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256))


def stored(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _gig(marketplace):
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = gig(provider=profile)
        packages = {p.tier: p for p in listing.packages.all()}
    return provider, listing, packages


def _order(customer, listing, package):
    response = customer.api.post(
        "/api/v1/bookings/", {"listing_id": listing.pk, "package_id": package.pk}
    )
    assert response.status_code == 201, response.content
    return response.json()


def _pay(marketplace, booking_id):
    with tenant_context(marketplace):
        booking = Booking.objects.get(pk=booking_id)
        return booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor,
            currency=booking.currency,
            reference=f"pay-{booking_id}",
        )


def _deliver(who, booking_id, message="Here you go", files=()):
    return who.api.post_form(
        f"/api/v1/bookings/{booking_id}/deliveries/", {"message": message, "files": list(files)}
    )


def _step(who, booking_id, name, data=None):
    return who.api.post(f"/api/v1/bookings/{booking_id}/transitions/{name}/", data)


def _paid_and_started(marketplace, tier="standard"):
    provider, listing, packages = _gig(marketplace)
    customer = party(marketplace)
    booking_id = _order(customer, listing, packages[tier])["id"]
    _pay(marketplace, booking_id)
    assert _step(provider, booking_id, "start").json()["state"] == "in_progress"
    return provider, customer, booking_id


def test_gig_order_with_deliveries_and_revisions(gigs, media_root):
    provider, listing, packages = _gig(gigs)
    customer = party(gigs)
    order = _order(customer, listing, packages["standard"])
    booking_id = order["id"]
    assert order["state"] == "ordered"
    # USD 90.00; the buyer pays a 10 % service fee on top, the seller 20 % commission.
    money = order["money"]
    assert (money["price_minor"], money["buyer_fee_minor"], money["buyer_total_minor"]) == (
        9000,
        900,
        9900,
    )
    earned = provider.api.get(f"/api/v1/bookings/{booking_id}/").json()["money"]
    assert (earned["commission_minor"], earned["provider_payout_minor"]) == (1800, 7200)
    assert order["revisions_allowed"] == 2

    paid = _pay(gigs, booking_id)
    assert paid.state == "paid"
    assert abs(paid.due_at - (paid.paid_at + timedelta(days=5))) < timedelta(seconds=1)

    # Not started yet; the customer never delivers; strangers do not see the order.
    assert_error(_deliver(provider, booking_id, files=[upload("a.pdf", PDF)]), 409, "wrong_state")
    assert_error(_deliver(customer, booking_id), 403, "wrong_actor")
    assert_error(_deliver(party(gigs), booking_id), 404)
    assert_error(customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/deliver/"), 409)
    assert _step(provider, booking_id, "start").json()["state"] == "in_progress"
    assert_error(_deliver(customer, booking_id), 403, "wrong_actor")

    png = image_bytes("PNG", size=(32, 32))
    first = _deliver(
        provider,
        booking_id,
        "First cut",
        [upload("logo.png", png, "image/png"), upload("brief.pdf", PDF, "application/pdf")],
    )
    assert first.status_code == 201, first.content
    delivery = first.json()
    assert (delivery["number"], delivery["message"], delivery["late"]) == (1, "First cut", False)
    assert [(f["name"], f["content_type"], f["size"]) for f in delivery["files"]] == [
        ("logo.png", "image/png", len(png)),
        ("brief.pdf", "application/pdf", len(PDF)),
    ]
    # Kept byte for byte, under a random name below the marketplace's prefix, in the private
    # storage (outside MEDIA_ROOT's public tree, no URL).
    files = stored(media_root)
    assert len(files) == 2
    assert all(
        f.relative_to(media_root).parts[:4]
        == ("private", gigs.schema_name, "deliveries", str(booking_id))
        for f in files
    )
    assert "logo" not in " ".join(f.name for f in files)
    detail = customer.api.get(f"/api/v1/bookings/{booking_id}/").json()
    assert detail["state"] == "delivered" and detail["timer_transition"] == "complete"

    # Files are served to the parties only.
    download_url = delivery["files"][0]["download_url"]
    got = customer.api.get(download_url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == png
    assert got["Content-Disposition"].startswith('attachment; filename="logo.png"')
    assert got["Cache-Control"] == "private, no-store"
    assert_error(party(gigs).api.get(download_url), 404)
    assert staff_party(gigs).api.get(download_url).status_code == 200

    revision = _step(customer, booking_id, "request_revision", {"message": "Bigger, please"})
    assert revision.status_code == 200, revision.content
    assert (revision.json()["state"], revision.json()["revisions_used"]) == (
        "revision_requested",
        1,
    )
    with CaptureQueriesContext(connection) as one_delivery:
        assert customer.api.get(f"/api/v1/bookings/{booking_id}/deliveries/").status_code == 200
    second = _deliver(provider, booking_id, "Bigger", [upload("notes.txt", "Größer ✓\n".encode())])
    assert second.status_code == 201, second.content
    assert second.json()["number"] == 2
    assert second.json()["files"][0]["content_type"] == "text/plain"
    assert _step(customer, booking_id, "request_revision").json()["revisions_used"] == 2
    third = _deliver(provider, booking_id, "Final", [upload("clip.mp4", minimal_mp4())])
    assert third.status_code == 201, third.content
    assert third.json()["files"][0]["content_type"] == "video/mp4"

    # The standard package allows two revisions.
    refused = assert_error(
        _step(customer, booking_id, "request_revision"), 422, "no_revisions_left"
    )
    assert refused["details"] == {"allowed": 2, "used": 2}

    with CaptureQueriesContext(connection) as three_deliveries:
        listed = customer.api.get(f"/api/v1/bookings/{booking_id}/deliveries/")
    assert len(three_deliveries.captured_queries) == len(one_delivery.captured_queries)
    assert [d["number"] for d in listed.json()] == [1, 2, 3]
    assert [len(d["files"]) for d in listed.json()] == [2, 1, 1]

    assert_error(_step(provider, booking_id, "complete"), 403, "wrong_actor")
    done = _step(customer, booking_id, "complete")
    assert done.status_code == 200 and done.json()["state"] == "completed"
    history = [
        e["transition"] for e in customer.api.get(f"/api/v1/bookings/{booking_id}/events/").json()
    ]
    assert history == [
        "create",
        "pay",
        "start",
        "deliver",
        "request_revision",
        "deliver",
        "request_revision",
        "deliver",
        "complete",
    ]
    with tenant_context(gigs):
        event = BookingEvent.objects.filter(booking_id=booking_id, transition="deliver").last()
        assert event.data == {"delivery": 3, "files": 1, "late": False}
    assert_error(_deliver(provider, booking_id, "More"), 409, "wrong_state")


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([upload("setup.exe", EXE)], "unsupported_file"),
        ([upload("innocent.pdf", EXE, "application/pdf")], "unsupported_file"),
        ([upload("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 80, "image/png")], "corrupt_file"),
        ([upload("cut.pdf", b"%PDF-1.4\n" + b"x" * 100)], "corrupt_file"),
        ([upload("a.zip", b"PK\x03\x04" + b"\x00" * 100)], "corrupt_file"),
        # A good file beside a bad one: nothing of either is kept.
        ([upload("ok.pdf", PDF), upload("bad.bin", EXE)], "unsupported_file"),
    ],
)
def test_a_refused_file_writes_nothing(gigs, media_root, files, code):
    provider, _, booking_id = _paid_and_started(gigs)
    assert_error(_deliver(provider, booking_id, files=files), 400, code)
    assert stored(media_root) == []
    with tenant_context(gigs):
        assert not Delivery.objects.filter(booking_id=booking_id).exists()
        assert Booking.objects.get(pk=booking_id).state == "in_progress"


def test_file_count_and_size_limits(gigs, media_root, settings):
    provider, _, booking_id = _paid_and_started(gigs)
    settings.SOUK_DELIVERY_MAX_FILES = 2
    too_many = [upload(f"{n}.pdf", PDF) for n in range(3)]
    assert_error(_deliver(provider, booking_id, files=too_many), 400, "too_many_files")
    settings.SOUK_DELIVERY_MAX_BYTES = len(PDF) - 1
    body = assert_error(
        _deliver(provider, booking_id, files=[upload("a.pdf", PDF)]), 400, "file_too_large"
    )
    assert body["details"]["max_bytes"] == len(PDF) - 1
    assert_error(_deliver(provider, booking_id, message="", files=[]), 400, "empty_delivery")
    assert stored(media_root) == []
    settings.SOUK_DELIVERY_MAX_BYTES = len(PDF)
    # A ZIP archive is accepted; a name that does not match the bytes gets their extension.
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "hi")
    settings.SOUK_DELIVERY_MAX_BYTES = 10_000
    made = _deliver(
        provider, booking_id, files=[upload("source.rar", archive.getvalue()), upload("a.pdf", PDF)]
    )
    assert made.status_code == 201, made.content
    names = [(f["name"], f["content_type"]) for f in made.json()["files"]]
    assert names == [("source.rar.zip", "application/zip"), ("a.pdf", "application/pdf")]
    assert len(stored(media_root)) == 2


def test_late_delivery_is_flagged_and_an_untouched_delivery_completes_itself(gigs):
    provider, customer, booking_id = _paid_and_started(gigs, tier="basic")
    with tenant_context(gigs):
        due_at = Booking.objects.get(pk=booking_id).due_at
        # Three days for the basic package; nothing is late before then.
        assert bookings_run_due_timers(now=due_at - timedelta(minutes=1))["late"] == 0
    after_due = due_at + timedelta(hours=2)
    with time_machine.travel(after_due, tick=False):
        with tenant_context(gigs):
            assert bookings_run_due_timers()["late"] == 1
            booking = Booking.objects.get(pk=booking_id)
            assert booking.late_at == after_due
            assert booking.events.last().transition == "flag_late"
        late = _deliver(provider, booking_id, "Sorry, late", [upload("a.pdf", PDF)])
    assert late.status_code == 201, late.content
    assert late.json()["late"] is True
    with tenant_context(gigs):
        booking = Booking.objects.get(pk=booking_id)
        assert booking.late_at == after_due  # the first flag stays
        assert booking.timer_due_at == after_due + timedelta(hours=72)
        # The customer says nothing: 72 hours after the delivery the order completes itself.
        assert bookings_run_due_timers(now=after_due + timedelta(hours=71))["fired"] == 0
        result = bookings_run_due_timers(now=after_due + timedelta(hours=72, minutes=1))
        assert result["fired"] == 1
        completed = Booking.objects.get(pk=booking_id)
        assert completed.state == "completed"
        # (events are ordered by creation time, and the delivery was made in the future)
        event = completed.events.get(transition="complete")
        assert (event.transition, event.actor_role, event.data) == (
            "complete",
            "system",
            {"timer": True},
        )


def test_a_quote_is_delivered_after_payment(talent):
    provider, profile = provider_party(talent)
    with tenant_context(talent):
        listing = listing_of("quoted-service", provider=profile)
    customer = party(talent)
    booking_id = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk}).json()["id"]
    assert _step(provider, booking_id, "quote", {"price_minor": 50_000_000}).status_code == 200
    assert _step(customer, booking_id, "accept").json()["state"] == "accepted"
    assert_error(_deliver(provider, booking_id, "Too soon"), 409, "wrong_state")
    _pay(talent, booking_id)
    delivered = provider.api.post(
        f"/api/v1/bookings/{booking_id}/deliveries/", {"message": "Done, see the recording."}
    )
    assert delivered.status_code == 201, delivered.content
    assert delivered.json()["files"] == [] and delivered.json()["late"] is False
    detail = customer.api.get(f"/api/v1/bookings/{booking_id}/").json()
    assert detail["state"] == "delivered"
    assert "request_revision" not in detail["available_transitions"]
    assert _step(customer, booking_id, "complete").json()["state"] == "completed"


def test_deliveries_of_another_marketplace_are_not_found(gigs, fire):
    provider, customer, booking_id = _paid_and_started(gigs)
    made = _deliver(provider, booking_id, "x", [upload("a.pdf", PDF)]).json()
    outsider = staff_party(fire)
    assert_error(outsider.api.get(f"/api/v1/bookings/{booking_id}/deliveries/"), 404)
    assert_error(_deliver(outsider, booking_id, "x"), 404)
    assert_error(outsider.api.get(made["files"][0]["download_url"].split("testserver")[-1]), 404)
    with tenant_context(gigs):
        file_id = DeliveryFile.objects.get(delivery__booking_id=booking_id).pk
    # A file id of another booking is not found through this one.
    other_provider, other_customer, other_booking = _paid_and_started(gigs)
    assert_error(
        other_customer.api.get(f"/api/v1/bookings/{other_booking}/deliveries/files/{file_id}/"),
        404,
        "file_not_found",
    )
    assert timezone.now()  # clock untouched
