"""The victim's rows, each carrying the marker: its people, catalog, media and bookings of every
process, made through the API where one exists."""

from __future__ import annotations

import io
from datetime import time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image, PngImagePlugin

from billing.balances import prepaid_balance_credit
from billing.money import Money
from bookings.models import Booking
from catalog.models import Category, ListingType, ProviderProfile
from catalog.services.availability import availability_upsert, weekly_hours_replace
from tenants.presets import all_presets
from tests.bookings.test_reviews import _completed_booking, _review
from tests.support.factories.accounts import ProviderUserFactory
from tests.support.factories.bookings import Party, party
from tests.support.factories.catalog import ProviderProfileFactory, event, gig, listing_of


def png_with_text(text: str, size=(24, 16)) -> bytes:
    """A real PNG whose bytes carry ``text`` (a tEXt chunk), so a leaked file shows it."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 20)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_text(text: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Title (" + text.encode() + b") >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def ok_json(response, status=(200, 201)):
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    return (
        response.json() if response.get("Content-Type", "").startswith("application/json") else None
    )


def victim_person(victim_mp, marker: str, role: str, factory=None) -> Party:
    low = marker.lower()
    fields = {"email": f"{role}-{low}@example.com", "display_name": f"{marker} {role}"}
    return party(victim_mp, factory, **fields) if factory else party(victim_mp, **fields)


def victim_provider(victim_mp, marker: str, role: str) -> tuple[Party, ProviderProfile]:
    someone = victim_person(victim_mp, marker, role, ProviderUserFactory)
    with tenant_context(victim_mp):
        profile: ProviderProfile = ProviderProfileFactory(  # type: ignore[assignment]
            user=someone.user,
            display_name=f"{marker} {role} profile",
            tagline=f"{marker} tagline",
            bio=f"<p>{marker} bio</p>",
            location_name=f"{marker} town",
            latitude="51.501234",
            longitude="-0.141234",
            per_minute_rates={"chat": 299},
            # Live readings are asked of online readers only.
            is_online=True,
        )
    return someone, profile


def victim_catalog(victim_mp, marker: str, profile) -> dict[str, Any]:
    """Marker category and listing types of every pricing kind, one listing of each."""
    low = marker.lower()
    with tenant_context(victim_mp):
        category = Category.objects.create(
            slug=f"{low}-category", name=f"{marker} category", names={"ar": marker}
        )
        for preset in all_presets().values():
            for kind in preset.listing_types:
                ListingType.objects.update_or_create(
                    slug=kind["slug"],
                    defaults={
                        "name": f"{marker} {kind['name']}",
                        "names": {"ar": marker},
                        "pricing": kind["pricing"],
                        "process": kind["process"],
                        "config": kind.get("config", {}),
                    },
                )

        def text(kind: str) -> dict[str, Any]:
            return {
                "title": f"{marker} {kind}",
                "slug": f"{low}-{kind}",
                "description": f"<p>{marker} {kind} description</p>",
                "location_name": f"{marker} venue",
                "category": category,
                "provider": profile,
            }

        listings = {
            "performance": listing_of("performance", price_minor=60000, **text("performance")),
            "reading": listing_of("live-reading", price_minor=299, **text("reading")),
            "product": listing_of("digital-product", price_minor=1500, stock=20, **text("product")),
            "service": listing_of("quoted-service", price_minor=0, **text("service")),
            "gig": gig(**text("gig")),
            "event": event(**text("event")),
            "draft": listing_of("performance", status="draft", **text("draft")),
        }
        listings["gig"].packages.update(description=f"{marker} package")
        listings["event"].ticket_tiers.update(name=f"{marker} tier", description=marker)
        first_day = timezone.localdate() + timedelta(days=60)
        availability_upsert(
            actor=profile.user,
            entries=[{"date": first_day, "status": "blocked", "note": f"{marker} busy"}],
        )
        # Open every day: the bookings below must fall inside the provider's hours.
        weekly_hours_replace(
            actor=profile.user,
            slots=[
                {"weekday": day, "start_time": time(0), "end_time": time(23, 59)}
                for day in range(7)
            ],
        )
    return {"category": category, **listings}


def victim_media(provider: Party, listing_id: int, marker: str) -> None:
    for path in ("/api/v1/provider-profile/media/", f"/api/v1/listings/{listing_id}/media/"):
        image = SimpleUploadedFile("photo.png", png_with_text(marker, (64, 48)), "image/png")
        ok_json(provider.api.post_form(path, {"file": image, "caption": f"{marker} caption"}))


def victim_bookings(victim_mp, marker, customer, provider, listings, run_commit_hooks) -> None:
    """Bookings of every process in several states, with their events, files and threads."""
    api = customer.api
    perf, gig_listing = listings["performance"], listings["gig"]
    # 18:00 UTC: the two hours end before local midnight in every preset's time zone.
    start = (timezone.now() + timedelta(days=40)).replace(hour=18, minute=0, second=0)
    # A date request left pending, and one completed, reviewed and reported.
    ok_json(
        api.post(
            "/api/v1/bookings/",
            {
                "listing_id": perf.pk,
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
                "note": f"{marker} wedding note",
            },
        )
    )
    done_id, end = _completed_booking(victim_mp, provider, perf, customer, days=5)
    review = ok_json(_review(customer, done_id, end, rating=2, text=f"{marker} review text"))
    ok_json(provider.api.post(f"/api/v1/reviews/{review['id']}/report/", {"reason": f"{marker} r"}))
    # A quote.
    quoted = ok_json(
        api.post("/api/v1/bookings/", {"listing_id": listings["service"].pk, "note": marker})
    )
    ok_json(
        provider.api.post(
            f"/api/v1/bookings/{quoted['id']}/transitions/quote/",
            {"price_minor": 50000, "message": f"{marker} quote"},
        )
    )
    # Gig orders: one delivered with a file, one disputed with evidence.
    packages = {p.tier: p.pk for p in _in(victim_mp, lambda: list(gig_listing.packages.all()))}
    delivered = ok_json(
        api.post(
            "/api/v1/bookings/", {"listing_id": gig_listing.pk, "package_id": packages["basic"]}
        )
    )
    _pay(victim_mp, delivered["id"], run_commit_hooks)
    ok_json(provider.api.post(f"/api/v1/bookings/{delivered['id']}/transitions/start/"))
    deliverable = SimpleUploadedFile("work.pdf", pdf_with_text(marker), "application/pdf")
    ok_json(
        provider.api.post_form(
            f"/api/v1/bookings/{delivered['id']}/deliveries/",
            {"message": f"{marker} delivery", "files": [deliverable]},
        )
    )
    disputed = ok_json(
        api.post(
            "/api/v1/bookings/", {"listing_id": gig_listing.pk, "package_id": packages["premium"]}
        )
    )
    _pay(victim_mp, disputed["id"], run_commit_hooks)
    base = f"/api/v1/bookings/{disputed['id']}/dispute/"
    ok_json(api.post(base, {"reason": f"{marker} dispute reason"}))
    evidence = SimpleUploadedFile("proof.pdf", pdf_with_text(marker), "application/pdf")
    ok_json(api.post_form(f"{base}evidence/", {"text": f"{marker} evidence", "file": evidence}))
    # Tickets, issued on payment.
    event_listing = listings["event"]
    tier_id = _in(victim_mp, lambda: event_listing.ticket_tiers.get().pk)
    tickets = ok_json(
        api.post(
            "/api/v1/bookings/",
            {
                "listing_id": event_listing.pk,
                "ticket_tier_id": tier_id,
                "quantity": 2,
                "attendees": [{"name": f"{marker} guest one"}, {"name": f"{marker} guest two"}],
            },
        )
    )
    _pay(victim_mp, tickets["id"], run_commit_hooks)
    # A live metered session.
    with tenant_context(victim_mp):
        prepaid_balance_credit(customer=customer.user, amount=Money(5000, "USD"))
    live = ok_json(
        api.post("/api/v1/bookings/", {"listing_id": listings["reading"].pk, "channel": "chat"})
    )
    ok_json(provider.api.post(f"/api/v1/bookings/{live['id']}/transitions/accept/"))
    ok_json(api.post(f"/api/v1/bookings/{live['id']}/transitions/start/"))
    # A paid product order.
    product = ok_json(api.post("/api/v1/bookings/", {"listing_id": listings["product"].pk}))
    _pay(victim_mp, product["id"], run_commit_hooks)
    # An inquiry thread with a message and a private attachment.
    thread = ok_json(
        api.post("/api/v1/threads/", {"listing_id": perf.pk, "body": f"{marker} hello"})
    )
    picture = io.BytesIO(png_with_text(marker))
    picture.name = "secret.png"
    ok_json(
        api.post_form(
            f"/api/v1/threads/{thread['thread']['id']}/messages/",
            {"body": f"{marker} attached", "attachment": picture},
        )
    )


def _in(victim_mp, read):
    with tenant_context(victim_mp):
        return read()


def _pay(victim_mp, booking_id: int, run_commit_hooks) -> None:
    from bookings.services.payments import booking_mark_paid

    with tenant_context(victim_mp), run_commit_hooks():
        booking = Booking.objects.get(pk=booking_id)
        booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor - booking.paid_minor,
            currency=booking.currency,
            reference=f"victim-pay-{booking_id}",
        )


def victim_stream(victim_mp, marker, customer, provider, owner) -> str:
    """A live stream of the provider's with a gift from the customer; returns its key."""
    low = marker.lower()
    made = ok_json(provider.api.post("/api/v1/streams/", {"title": f"{marker} stream"}), 201)
    ok_json(provider.api.post(f"/api/v1/streams/{made['id']}/start/"))
    gift = ok_json(
        owner.post(
            "/api/v1/gifts/", {"name": f"{marker} gift", "icon": low[:16], "price_minor": 50}
        ),
        201,
    )
    with tenant_context(victim_mp):
        prepaid_balance_credit(customer=customer.user, amount=Money(1_000, "USD"))
    ok_json(
        customer.api.post(
            f"/api/v1/streams/{made['id']}/gifts/", {"gift_id": gift["id"]},
            HTTP_IDEMPOTENCY_KEY=f"{low}-gift",
        ),
        201,
    )  # fmt: skip
    return made["stream_key"]
