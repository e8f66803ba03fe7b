"""The victim: a second marketplace holding one of everything, each carrying a marker.

Every text field gets the marker ("VICTIM-<hex>"), every e-mail address contains it, and
every secret (API tokens, the owner's session key, ticket codes, booking numbers, magic-link,
reset and verification keys, the marker inside each private file) is collected, so that a
walker can tell whether a response carries anything of this marketplace.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image, PngImagePlugin

from accounts.models import ApiToken, User
from accounts.services.magic_links import magic_link_token
from billing.balances import prepaid_balance_credit
from billing.money import Money
from bookings.models import Attendee, Booking, DeliveryFile, DisputeEvidence, Message, Review
from catalog.models import Category, Listing, ListingType, MediaItem, ProviderProfile
from catalog.services.availability import availability_upsert, weekly_hours_replace
from tenants.models import Marketplace
from tenants.presets import all_presets
from tenants.services import marketplace_create
from tests.bookings.conftest import Party, party
from tests.bookings.factories import event, gig, listing_of
from tests.bookings.test_reviews import _completed_booking, _review
from tests.catalog.factories import ProviderProfileFactory, ProviderUserFactory, token_for
from tests.factories import tenant_context

# The preset whose currency (USD) suits every pricing kind, prepaid balances included.
VICTIM_PRESET = "psychic-readers"


@dataclass
class Victim:
    marketplace: Marketplace
    marker: str
    host: str
    schema: str
    owner: User
    owner_token: str
    owner_session: str
    customer: Party
    provider: Party
    profile: ProviderProfile
    # Values an attacker might put in a path: model label -> primary keys, plus strings.
    ids: dict[str, list[int]] = field(default_factory=dict)
    # Parameter names of nested paths -> (parent id, child id) pairs that belong together.
    pairs: dict[tuple[str, ...], list[tuple[int, int]]] = field(default_factory=dict)
    slugs: list[str] = field(default_factory=list)
    ticket_codes: list[str] = field(default_factory=list)
    media_paths: list[str] = field(default_factory=list)
    magic_token: str = ""
    reset_uid_key: str = ""
    confirmation_key: str = ""
    secrets: set[str] = field(default_factory=set)

    def owner_token_client(self, host: str, **extra) -> Client:
        return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {self.owner_token}", **extra)

    def owner_session_client(self, host: str, **extra) -> Client:
        client = Client(HTTP_HOST=host, **extra)
        client.cookies["sessionid"] = self.owner_session
        return client


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


def _ok(response, status=(200, 201)):
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    return (
        response.json() if response.get("Content-Type", "").startswith("application/json") else None
    )


def _person(victim_mp, marker: str, role: str, factory=None) -> Party:
    low = marker.lower()
    fields = {"email": f"{role}-{low}@example.com", "display_name": f"{marker} {role}"}
    return party(victim_mp, factory, **fields) if factory else party(victim_mp, **fields)


def _provider(victim_mp, marker: str, role: str) -> tuple[Party, ProviderProfile]:
    someone = _person(victim_mp, marker, role, ProviderUserFactory)
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


def _catalog(victim_mp, marker: str, profile) -> dict[str, Any]:
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


def _upload_media(provider: Party, listing_id: int, marker: str) -> None:
    for path in ("/api/v1/provider-profile/media/", f"/api/v1/listings/{listing_id}/media/"):
        image = SimpleUploadedFile("photo.png", png_with_text(marker, (64, 48)), "image/png")
        _ok(provider.api.client.post(path, {"file": image, "caption": f"{marker} caption"}))


def _bookings(victim_mp, marker, customer, provider, listings, run_commit_hooks) -> None:
    """Bookings of every process in several states, with their events, files and threads."""
    api = customer.api
    perf, gig_listing = listings["performance"], listings["gig"]
    # 18:00 UTC: the two hours end before local midnight in every preset's time zone.
    start = (timezone.now() + timedelta(days=40)).replace(hour=18, minute=0, second=0)
    # A date request left pending, and one completed, reviewed and reported.
    _ok(
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
    review = _ok(_review(customer, done_id, end, rating=2, text=f"{marker} review text"))
    _ok(provider.api.post(f"/api/v1/reviews/{review['id']}/report/", {"reason": f"{marker} r"}))
    # A quote.
    quoted = _ok(
        api.post("/api/v1/bookings/", {"listing_id": listings["service"].pk, "note": marker})
    )
    _ok(
        provider.api.post(
            f"/api/v1/bookings/{quoted['id']}/transitions/quote/",
            {"price_minor": 50000, "message": f"{marker} quote"},
        )
    )
    # Gig orders: one delivered with a file, one disputed with evidence.
    packages = {p.tier: p.pk for p in _in(victim_mp, lambda: list(gig_listing.packages.all()))}
    delivered = _ok(
        api.post(
            "/api/v1/bookings/", {"listing_id": gig_listing.pk, "package_id": packages["basic"]}
        )
    )
    _pay(victim_mp, delivered["id"], run_commit_hooks)
    _ok(provider.api.post(f"/api/v1/bookings/{delivered['id']}/transitions/start/"))
    deliverable = SimpleUploadedFile("work.pdf", pdf_with_text(marker), "application/pdf")
    _ok(
        provider.api.client.post(
            f"/api/v1/bookings/{delivered['id']}/deliveries/",
            {"message": f"{marker} delivery", "files": [deliverable]},
        )
    )
    disputed = _ok(
        api.post(
            "/api/v1/bookings/", {"listing_id": gig_listing.pk, "package_id": packages["premium"]}
        )
    )
    _pay(victim_mp, disputed["id"], run_commit_hooks)
    base = f"/api/v1/bookings/{disputed['id']}/dispute/"
    _ok(api.post(base, {"reason": f"{marker} dispute reason"}))
    evidence = SimpleUploadedFile("proof.pdf", pdf_with_text(marker), "application/pdf")
    _ok(api.client.post(f"{base}evidence/", {"text": f"{marker} evidence", "file": evidence}))
    # Tickets, issued on payment.
    event_listing = listings["event"]
    tier_id = _in(victim_mp, lambda: event_listing.ticket_tiers.get().pk)
    tickets = _ok(
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
    live = _ok(
        api.post("/api/v1/bookings/", {"listing_id": listings["reading"].pk, "channel": "chat"})
    )
    _ok(provider.api.post(f"/api/v1/bookings/{live['id']}/transitions/accept/"))
    _ok(api.post(f"/api/v1/bookings/{live['id']}/transitions/start/"))
    # A paid product order.
    product = _ok(api.post("/api/v1/bookings/", {"listing_id": listings["product"].pk}))
    _pay(victim_mp, product["id"], run_commit_hooks)
    # An inquiry thread with a message and a private attachment.
    thread = _ok(api.post("/api/v1/threads/", {"listing_id": perf.pk, "body": f"{marker} hello"}))
    picture = io.BytesIO(png_with_text(marker))
    picture.name = "secret.png"
    _ok(
        api.client.post(
            f"/api/v1/threads/{thread['thread']['id']}/messages/",
            {"body": f"{marker} attached", "attachment": picture},
        )
    )


def _in(victim_mp, read):
    with tenant_context(victim_mp):
        return read()


def _pay(victim_mp, booking_id: int, run_commit_hooks) -> None:
    from bookings.services import booking_mark_paid

    with tenant_context(victim_mp), run_commit_hooks():
        booking = Booking.objects.get(pk=booking_id)
        booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor - booking.paid_minor,
            currency=booking.currency,
            reference=f"victim-pay-{booking_id}",
        )


def _collect(victim: Victim) -> None:
    """Every id, slug, code, file and secret of the victim, read back from its schema."""
    with tenant_context(victim.marketplace):
        for config in apps.get_app_configs():
            if config.name not in settings.TENANT_APPS:
                continue
            for model in config.get_models():
                pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
                if pks and all(isinstance(pk, int) for pk in pks):
                    victim.ids[model._meta.label_lower] = pks[-50:]
        victim.pairs = {
            ("thread_id", "message_id"): list(Message.objects.values_list("thread_id", "pk")),
            ("booking_id", "file_id"): list(
                DeliveryFile.objects.values_list("delivery__booking_id", "pk")
            ),
            ("booking_id", "evidence_id"): list(
                DisputeEvidence.objects.values_list("dispute__booking_id", "pk")
            ),
            ("listing_id", "media_id"): list(
                MediaItem.objects.filter(listing__isnull=False).values_list("listing_id", "pk")
            ),
        }
        victim.slugs = list(Listing.objects.values_list("slug", flat=True))
        victim.ticket_codes = list(Attendee.objects.values_list("code", flat=True))
        victim.media_paths = [str(item.file.name) for item in MediaItem.objects.all()]
        numbers = list(Booking.objects.values_list("number", flat=True))
        # Keys are stored only as hashes (accounts.ApiToken): a hash in a response is a leak too.
        tokens = list(ApiToken.objects.values_list("key_hash", flat=True))
    victim.secrets |= {
        victim.marker.lower(),
        victim.schema,
        victim.host,
        victim.owner_session,
        victim.magic_token,
        victim.reset_uid_key.split("-", 1)[1],
        victim.confirmation_key,
        *victim.ticket_codes,
        *numbers,
        *tokens,
        # The keys themselves, as the victim's people send them.
        victim.owner_token,
        *(
            someone.api.client.defaults["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
            for someone in (victim.customer, victim.provider)
        ),
    }


def victim_build(run_commit_hooks) -> Victim:
    marker = f"VICTIM-{secrets.token_hex(4)}"
    low = marker.lower()
    marketplace = marketplace_create(
        preset=VICTIM_PRESET,
        name=f"{marker} Marketplace",
        slug=low,
        domain=f"{low}.localhost",
        owner_email=f"owner-{low}@example.com",
    )
    # Deposits too: a date booking is then paid in two parts.
    marketplace.deposit_bps = 2500
    marketplace.save(update_fields=["deposit_bps"])
    with tenant_context(marketplace):
        owner = User.objects.get(email=f"owner-{low}@example.com")
        owner.display_name = f"{marker} owner"
        owner.save(update_fields=["display_name"])
        owner_token = token_for(owner)
        session_client = Client(HTTP_HOST=marketplace.get_primary_domain().domain)
        session_client.force_login(owner)
    customer = _person(marketplace, marker, "customer")
    provider, profile = _provider(marketplace, marker, "provider")
    voucher, _ = _provider(marketplace, marker, "voucher")
    listings = _catalog(marketplace, marker, profile)
    _upload_media(provider, listings["performance"].pk, marker)
    for kind, target in (("listings", listings["performance"].pk), ("providers", profile.pk)):
        _ok(customer.api.post(f"/api/v1/favorites/{kind}/{target}/"))
    _ok(
        voucher.api.post(
            f"/api/v1/providers/{profile.pk}/vouches/",
            {"skill_area": f"{marker} skill", "note": f"{marker} vouch"},
        )
    )
    with run_commit_hooks():
        _bookings(marketplace, marker, customer, provider, listings, run_commit_hooks)
    with tenant_context(marketplace):
        address = EmailAddress.objects.get(user=customer.user)
        confirmation = EmailConfirmation.create(address)
        confirmation.sent = timezone.now()
        confirmation.save()
        reset_key = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(customer.user)
        victim = Victim(
            marketplace=marketplace,
            marker=marker,
            host=marketplace.get_primary_domain().domain,
            schema=marketplace.schema_name,
            owner=owner,
            owner_token=owner_token,
            owner_session=session_client.cookies["sessionid"].value,
            customer=customer,
            provider=provider,
            profile=profile,
            magic_token=magic_link_token(user=customer.user),
            reset_uid_key=f"{user_pk_to_url_str(customer.user)}-{reset_key}",
            confirmation_key=confirmation.key,
        )
        assert Review.objects.exists() and Attendee.objects.count() == 2
    _collect(victim)
    return victim
