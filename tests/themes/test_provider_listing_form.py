"""The provider's listing form (/provider/listings/…) with every package of a gig and every
ticket tier of an event at once: the whole set goes to the listing services as the API sends
it, and a refusal lands beside the block or row it names, with what was typed kept. Each kind
of listing is created and published from the page, with the fields its type needs (an event's
venue, a product's stock), date-times in the marketplace's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from bookings.models import Booking
from bookings.services.payments import booking_mark_paid
from catalog.models import Category, Listing, ListingPackage, ListingType, TicketTier
from tests.admin_forms import admin_form_data
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import event, gig
from tests.support.site_provider import site_client

LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # the events preset's time zone


def _text(response) -> str:
    return response.content.decode()


def _listing_form(pages, path: str) -> dict[str, list[str]]:
    """The listing form as the page draws it, as a browser would send it unchanged."""
    page = pages.get(path)
    assert page.status_code == 200, page.status_code
    return admin_form_data(page.content, "listing-form")


def _errors_of(response, prefix: str) -> str:
    """What the page says beside one set or row (``packages``, ``ticket_tiers-1``)."""
    marker = f'id="{prefix}-errors">'
    assert marker in _text(response), _text(response)
    return _text(response).split(marker, 1)[1].split("</ul>", 1)[0]


def _packages(marketplace, listing) -> dict[str, tuple]:
    with tenant_context(marketplace):
        return {
            p.tier: (p.name, p.description, p.price_minor, p.delivery_days, p.revisions)
            for p in ListingPackage.objects.filter(listing=listing, archived_at__isnull=True)
        }


def _tiers(marketplace, listing) -> dict[str, tuple]:
    with tenant_context(marketplace):
        return {
            t.name: (t.position, t.description, t.price_minor, t.capacity, t.sales_end)
            for t in TicketTier.objects.filter(listing=listing)
        }


def test_a_freelancer_drafts_a_gig_then_edits_all_three_packages_at_once(make_marketplace):
    gigs = make_marketplace("freelancers")
    provider, profile = provider_party(gigs)
    pages = site_client(provider)
    with tenant_context(gigs):
        kind = ListingType.objects.get(slug="gig")
        category = Category.objects.order_by("pk").first()
        listing = gig(provider=profile, category=category)
    new = f"/provider/listings/new/?type={kind.pk}"
    drafted = pages.post_form(new, _listing_form(pages, new) | {
        "title": "Logo design", "category": [str(category.pk)],
        "package-basic-price_minor": ["40"], "package-basic-delivery_days": ["3"],
        "package-premium-name": ["Brand kit"], "package-premium-price_minor": ["120.50"],
        "package-premium-delivery_days": ["7"], "package-premium-revisions": ["5"],
    })  # fmt: skip
    assert drafted.status_code == 302, _text(drafted)
    with tenant_context(gigs):
        draft = Listing.objects.get(provider=profile, title="Logo design")
    assert draft.price_minor == 4000
    assert _packages(gigs, draft) == {
        "basic": ("Basic", "", 4000, 3, 0), "premium": ("Brand kit", "", 12050, 7, 5)
    }  # fmt: skip

    path = f"/provider/listings/{listing.pk}/"
    shown = _listing_form(pages, path)
    assert shown["package-premium-price_minor"] == ["150.00"]  # major units, as typed
    edited = pages.post_form(path, shown | {
        "package-basic-price_minor": ["60"], "package-basic-delivery_days": ["2"],
        "package-standard-name": ["Plus"], "package-standard-revisions": ["4"],
        "package-premium-description": ["Source files"], "package-premium-price_minor": ["199.99"],
    })  # fmt: skip
    assert edited.status_code == 302, _text(edited)
    assert _packages(gigs, listing) == {
        "basic": ("Basic", "", 6000, 2, 1),
        "standard": ("Plus", "", 9000, 5, 4),
        "premium": ("Premium", "Source files", 19999, 7, 3),
    }
    with tenant_context(gigs):
        listing.refresh_from_db()
    assert listing.price_minor == 6000

    # A block left empty is not offered any more.
    shown = _listing_form(pages, path)
    emptied = {name: [""] for name in shown if name.startswith("package-standard-")}
    assert pages.post_form(path, shown | emptied).status_code == 302
    assert set(_packages(gigs, listing)) == {"basic", "premium"}


def test_bad_packages_are_refused_with_what_was_typed_kept(make_marketplace):
    gigs = make_marketplace("freelancers")
    provider, profile = provider_party(gigs)
    with tenant_context(gigs):
        listing = gig(provider=profile)
    before = _packages(gigs, listing)
    pages = site_client(provider)
    path = f"/provider/listings/{listing.pk}/"
    shown = _listing_form(pages, path)
    bad = pages.post_form(path, shown | {"package-premium-price_minor": ["1.234"],
                                         "package-standard-delivery_days": ["0"]})  # fmt: skip
    assert bad.status_code == 400
    page = _text(bad)
    assert 'id="id_package-premium-price_minor_error"' in page and 'value="1.234"' in page
    assert 'id="id_package-standard-delivery_days_error"' in page
    none = {name: [""] for name in shown if name.startswith("package-")}
    refused = pages.post_form(path, shown | none)
    assert refused.status_code == 400
    assert "Offer at least one package." in _errors_of(refused, "packages")
    assert _packages(gigs, listing) == before


@pytest.fixture
def organiser(make_marketplace):
    """An organiser's event with three tiers (General, VIP, Early bird) and its page."""
    events = make_marketplace("events")
    provider, profile = provider_party(events)
    with tenant_context(events):
        listing = event(provider=profile, price_minor=2500, capacity=100,
                        location_name="Riverside Hall")  # fmt: skip
        TicketTier.objects.create(listing=listing, name="VIP", price_minor=8000, capacity=20,
                                  position=1)  # fmt: skip
        TicketTier.objects.create(listing=listing, name="Early bird", price_minor=1500,
                                  capacity=50, position=2)  # fmt: skip
    return events, listing, site_client(provider), f"/provider/listings/{listing.pk}/"


def test_an_organiser_edits_two_tiers_adds_one_and_removes_one(organiser):
    events, listing, pages, path = organiser
    shown = _listing_form(pages, path)
    rows = (shown["ticket_tiers-INITIAL_FORMS"], shown["ticket_tiers-TOTAL_FORMS"])
    assert rows == (["3"], ["5"])  # every tier, and two empty rows for new ones
    assert shown["ticket_tiers-2-name"] == ["Early bird"] and shown["ticket_tiers-4-name"] == [""]
    saved = pages.post_form(path, shown | {
        "ticket_tiers-0-price_minor": ["30"], "ticket_tiers-0-description": ["Standing"],
        "ticket_tiers-1-capacity": ["25"], "ticket_tiers-1-sales_end": ["2031-05-01T18:30"],
        "ticket_tiers-2-DELETE": ["on"],
        "ticket_tiers-3-name": ["Balcony"], "ticket_tiers-3-price_minor": ["45.50"],
        "ticket_tiers-3-capacity": ["40"],
    })  # fmt: skip
    assert saved.status_code == 302, _text(saved)
    closes = datetime(2031, 5, 1, 18, 30, tzinfo=LOS_ANGELES)  # the marketplace's time zone
    assert _tiers(events, listing) == {
        "General": (0, "Standing", 3000, 100, None),
        "VIP": (1, "", 8000, 25, closes),
        "Balcony": (2, "", 4550, 40, None),
    }
    with tenant_context(events):
        listing.refresh_from_db()
    assert listing.price_minor == 3000
    assert 'value="Balcony"' in _text(pages.get(path))


def test_removing_a_tier_with_tickets_taken_is_refused_beside_it(organiser):
    events, listing, pages, path = organiser
    with tenant_context(events):
        TicketTier.objects.filter(listing=listing, name="VIP").update(sold=4)
    before = _tiers(events, listing)
    shown = _listing_form(pages, path)
    refused = pages.post_form(path, shown | {"ticket_tiers-0-price_minor": ["31"],
                                             "ticket_tiers-1-DELETE": ["on"]})  # fmt: skip
    assert refused.status_code == 409
    assert "Tickets of a tier you removed have been ordered; keep the tier." in _errors_of(
        refused, "ticket_tiers-1"
    )
    assert 'value="31"' in _text(refused)  # what was typed is kept
    assert _tiers(events, listing) == before
    shrunk = pages.post_form(path, shown | {"ticket_tiers-1-capacity": ["3"]})
    assert shrunk.status_code == 409
    error = _text(shrunk).split('id="id_ticket_tiers-1-capacity_error"', 1)[1].split("</ul>")[0]
    assert "VIP: 4 sold." in error
    assert _tiers(events, listing) == before


def test_bad_ticket_tiers_are_refused_with_what_was_typed_kept(organiser):
    events, listing, pages, path = organiser
    before = _tiers(events, listing)
    shown = _listing_form(pages, path)
    bad = pages.post_form(path, shown | {
        "ticket_tiers-0-price_minor": ["abc"],
        "ticket_tiers-3-name": ["Balcony"], "ticket_tiers-3-capacity": ["0"],
    })  # fmt: skip
    assert bad.status_code == 400
    kept = admin_form_data(bad.content, "listing-form")
    typed = ("ticket_tiers-0-price_minor", "ticket_tiers-3-name", "ticket_tiers-3-capacity")
    assert [kept[name] for name in typed] == [["abc"], ["Balcony"], ["0"]]
    assert 'id="id_ticket_tiers-0-price_minor_error"' in _text(bad)
    assert 'id="id_ticket_tiers-3-capacity_error"' in _text(bad)
    # The service's refusal of the fourth row lands on it, though the third is not sent.
    twice = pages.post_form(path, shown | {
        "ticket_tiers-2-DELETE": ["on"], "ticket_tiers-3-name": ["general"],
        "ticket_tiers-3-price_minor": ["10"], "ticket_tiers-3-capacity": ["5"],
    })  # fmt: skip
    assert twice.status_code == 400
    assert "Each ticket tier needs its own name." in _errors_of(twice, "ticket_tiers-3")
    kept = admin_form_data(twice.content, "listing-form")
    assert kept["ticket_tiers-3-name"] == ["general"] and kept["ticket_tiers-2-DELETE"] == ["on"]
    assert _tiers(events, listing) == before


def test_an_organiser_creates_and_publishes_an_event_at_its_venue(make_marketplace):
    events = make_marketplace("events")
    provider, profile = provider_party(events)
    pages = site_client(provider)
    with tenant_context(events):
        kind = ListingType.objects.get(slug="ticketed-event")
        category = Category.objects.order_by("pk").first()
    new = f"/provider/listings/new/?type={kind.pk}"
    shown = _listing_form(pages, new)
    assert {"location_name", "latitude", "longitude", "starts_at"} <= set(shown)
    assert "price_minor" not in shown and "stock" not in shown
    typed = shown | {
        "title": ["Jazz night"], "category": [str(category.pk)],
        "starts_at": ["2031-06-01T20:00"], "ends_at": ["2031-06-01T23:30"],
        "ticket_tiers-0-name": ["General"], "ticket_tiers-0-price_minor": ["25"],
        "ticket_tiers-0-capacity": ["200"], "publish": ["1"],
    }  # fmt: skip
    # Publishing is refused beside the field it lacks; nothing is drafted meanwhile.
    nowhere = pages.post_form(new, typed)
    assert nowhere.status_code == 422, _text(nowhere)
    error = _text(nowhere).split('id="id_location_name_error"', 1)[1].split("</ul>")[0]
    assert "Say where the event takes place." in error
    assert 'aria-describedby="id_location_name_helptext id_location_name_error"' in _text(nowhere)
    assert admin_form_data(nowhere.content, "listing-form")["title"] == ["Jazz night"]
    venue = {"location_name": ["Riverside Hall, London"], "longitude": ["-0.1276"]}
    off_the_map = pages.post_form(new, typed | venue | {"latitude": ["91"]})
    assert off_the_map.status_code == 400
    error = _text(off_the_map).split('id="id_latitude_error"', 1)[1].split("</ul>")[0]
    assert "Must be between -90 and 90." in error
    with tenant_context(events):
        assert not Listing.objects.filter(provider=profile).exists()

    published = pages.post_form(new, typed | venue | {"latitude": ["51.5072"]})
    assert published.status_code == 302, _text(published)
    with tenant_context(events):
        listing = Listing.objects.get(provider=profile)
    assert (listing.status, listing.location_name) == ("published", "Riverside Hall, London")
    assert (listing.latitude, listing.longitude) == (Decimal("51.507200"), Decimal("-0.127600"))
    assert listing.starts_at == datetime(2031, 6, 1, 20, 0, tzinfo=LOS_ANGELES)
    again = _listing_form(pages, published["Location"])
    assert again["location_name"] == ["Riverside Hall, London"]
    assert (again["starts_at"], again["latitude"]) == (["2031-06-01T20:00"], ["51.507200"])


def test_a_reader_publishes_a_digital_product_and_a_shop_counts_its_stock(make_marketplace):
    psychic = make_marketplace("psychic-readers")
    provider, profile = provider_party(psychic)
    pages = site_client(provider)
    with tenant_context(psychic):
        digital = ListingType.objects.get(slug="digital-product")
        candles = ListingType.objects.create(
            slug="candles", name="Candles", pricing="product", process="product_order",
            config={"stock": True},
        )  # fmt: skip
        category = Category.objects.order_by("pk").first()
    new = f"/provider/listings/new/?type={digital.pk}"
    shown = _listing_form(pages, new)
    assert "price_minor" in shown and "stock" not in shown  # digital goods are unlimited
    assert "location_name" not in shown and "starts_at" not in shown
    typed = shown | {"title": ["Tarot guide"], "category": [str(category.pk)], "publish": ["1"]}
    free = pages.post_form(new, typed | {"price_minor": ["0"]})
    assert free.status_code == 422
    error = _text(free).split('id="id_price_minor_error"', 1)[1].split("</ul>")[0]
    assert "Set a price above zero." in error
    assert pages.post_form(new, typed | {"price_minor": ["19.99"]}).status_code == 302
    with tenant_context(psychic):
        guide = Listing.objects.get(provider=profile, title="Tarot guide")
    assert (guide.status, guide.price_minor, guide.stock) == ("published", 1999, None)

    new = f"/provider/listings/new/?type={candles.pk}"
    shown = _listing_form(pages, new)
    made = pages.post_form(new, shown | {"title": ["Moon candle"], "category": [str(category.pk)],
                                         "price_minor": ["12"], "stock": ["40"]})  # fmt: skip
    assert made.status_code == 302, _text(made)
    with tenant_context(psychic):
        candle = Listing.objects.get(provider=profile, title="Moon candle")
    assert (candle.status, candle.price_minor, candle.stock) == ("draft", 1200, 40)
    shown = _listing_form(pages, made["Location"])
    assert shown["stock"] == ["40"]
    published = pages.post_form(made["Location"], shown | {"stock": ["39"], "publish": ["1"]})
    assert published.status_code == 302
    with tenant_context(psychic):
        candle.refresh_from_db()
    assert (candle.status, candle.stock) == ("published", 39)


def test_event_times_are_typed_and_shown_in_the_marketplace_time_zone(talent):
    """talent-iq keeps Baghdad's clocks (UTC+3): 20:00 typed is 17:00 UTC, shown as 20:00."""
    provider, profile = provider_party(talent)
    pages = site_client(provider)
    with tenant_context(talent):
        kind = ListingType.objects.create(slug="concert", name="Concert", pricing="tickets",
                                          process="tickets")  # fmt: skip
        category = Category.objects.order_by("pk").first()
    new = f"/provider/listings/new/?type={kind.pk}"
    assert "Asia/Baghdad" in _text(pages.get(new))
    made = pages.post_form(new, _listing_form(pages, new) | {
        "title": ["Maqam evening"], "category": [str(category.pk)],
        "starts_at": ["2031-03-10T20:00"], "ends_at": ["2031-03-10T23:00"],
        "location_name": ["Baghdad, Al-Mutanabbi Street"],
        "ticket_tiers-0-name": ["Hall"], "ticket_tiers-0-price_minor": ["25000"],
        "ticket_tiers-0-capacity": ["80"], "ticket_tiers-0-sales_end": ["2031-03-10T18:00"],
    })  # fmt: skip
    assert made.status_code == 302, _text(made)
    with tenant_context(talent):
        listing = Listing.objects.get(provider=profile)
        tier = listing.ticket_tiers.get()
    assert listing.starts_at == datetime(2031, 3, 10, 17, 0, tzinfo=UTC)
    assert listing.ends_at == datetime(2031, 3, 10, 20, 0, tzinfo=UTC)
    assert tier.sales_end == datetime(2031, 3, 10, 15, 0, tzinfo=UTC)
    shown = _listing_form(pages, made["Location"])
    assert (shown["starts_at"], shown["ends_at"]) == (["2031-03-10T20:00"], ["2031-03-10T23:00"])
    assert shown["ticket_tiers-0-sales_end"] == ["2031-03-10T18:00"]


def test_each_tier_row_shows_its_tickets_sold_held_and_remaining(
    organiser, django_capture_on_commit_callbacks
):
    events, listing, pages, path = organiser
    with tenant_context(events):
        general = listing.ticket_tiers.get(name="General")

    def reserve(quantity: int) -> int:
        response = party(events).api.post("/api/v1/bookings/", {
            "listing_id": listing.pk, "ticket_tier_id": general.pk, "quantity": quantity,
        })  # fmt: skip
        assert response.status_code == 201, response.content
        return response.json()["id"]

    reserve(3)
    paid = reserve(2)
    with tenant_context(events):
        booking = Booking.objects.get(pk=paid)
        with django_capture_on_commit_callbacks(execute=True):
            booking_mark_paid(booking_id=paid, amount_minor=booking.buyer_total_minor,
                              currency=booking.currency, reference=f"pay-{paid}")  # fmt: skip

    def figures(row: str) -> list[str]:
        block = _text(pages.get(path)).split(f'id="{row}-figures">', 1)[1].split("</dl>")[0]
        return [cell.split("</dd>")[0] for cell in block.split("<dd>")[1:]]

    assert figures("ticket_tiers-0") == ["2", "3", "95"]  # sold, held, still on sale
    assert figures("ticket_tiers-1") == ["0", "0", "20"]
    page = _text(pages.get(path))
    assert "Held, not paid yet" in page and "Still on sale" in page
    assert 'id="ticket_tiers-3-figures"' not in page  # a new row has none
