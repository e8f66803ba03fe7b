"""The provider's pages (/provider/…) through Django's test client: each page for a provider,
every write through the same services as the API, bad input answered beside the field with
nothing changed, and another provider's bookings and listings not found."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from accounts.models import User
from billing.models import Payout
from billing.money import Money
from bookings.models import Booking
from catalog.models import (
    AvailabilityEntry,
    Category,
    Listing,
    ListingType,
    MediaItem,
    ProviderProfile,
    WeeklyHours,
)
from tests.support.client import api
from tests.support.factories.accounts import ProviderUserFactory
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import listing_of
from tests.support.files import image_bytes
from tests.support.orders import paid_gig_order
from tests.support.payouts import earnings_available
from tests.support.site_provider import booking_state, date_request, site_client

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PAGES = ("/provider/", "/provider/bookings/", "/provider/listings/", "/provider/listings/new/",
         "/provider/calendar/", "/provider/profile/", "/provider/earnings/")  # fmt: skip


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    settings.SOUK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


def _text(response) -> str:
    return response.content.decode()


def _step(pages, booking_id: int, transition: str, **fields):
    """Press the step's button on the booking's page (with its form's fields)."""
    data = {
        "transition": transition,
        **{name.replace("_", "-", 1): v for name, v in fields.items()},
    }
    return pages.post_form(f"/provider/bookings/{booking_id}/step/", data)


def test_every_page_opens_for_a_provider_and_no_one_else(fire):
    provider, _profile = provider_party(fire)
    pages = site_client(provider)
    for path in PAGES:
        response = pages.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert 'aria-label="Provider area"' in _text(response)
    customer = site_client(party(fire))
    assert customer.get("/provider/").status_code == 403
    visitor = api(fire, own_address=True).get("/provider/bookings/")
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]


def test_a_provider_accepts_one_request_and_declines_another_with_a_reason(fire):
    provider, pages, first = date_request(fire)
    with tenant_context(fire):
        profile = ProviderProfile.objects.get(user=provider.user)
    _same, _pages, second = date_request(fire, provider=provider, profile=profile, days=40)
    dashboard = _text(pages.get("/provider/"))
    assert (
        f"/provider/bookings/{first}/" in dashboard and f"/provider/bookings/{second}/" in dashboard
    )
    page = _text(pages.get(f"/provider/bookings/{first}/"))
    assert "Garden party" in page and 'value="accept"' in page

    accepted = _step(pages, first, "accept")
    assert accepted.status_code == 302 and booking_state(fire, first) == "accepted"
    declined = _step(pages, second, "decline", decline_reason="Booked that night")
    assert declined.status_code == 302 and booking_state(fire, second) == "declined"
    with tenant_context(fire):
        event = Booking.objects.get(pk=second).events.get(transition="decline")
        assert event.data.get("reason") == "Booked that night"
    # A step the process does not offer now is refused, and changes nothing.
    again = _step(pages, first, "accept")
    assert again.status_code == 409 and booking_state(fire, first) == "accepted"


def test_another_providers_booking_is_not_found_and_unchanged(fire):
    _provider, _pages, booking_id = date_request(fire)
    stranger, _profile = provider_party(fire)
    pages = site_client(stranger)
    assert pages.get(f"/provider/bookings/{booking_id}/").status_code == 404
    assert _step(pages, booking_id, "accept").status_code == 404
    assert pages.post_form(f"/provider/bookings/{booking_id}/deliver/").status_code == 404
    assert pages.get(f"/provider/bookings/{2**63}/").status_code == 404
    assert booking_state(fire, booking_id) == "requested"


def test_a_quote_needs_a_price_then_is_sent(talent):
    provider, profile = provider_party(talent)
    with tenant_context(talent):
        listing = listing_of("quoted-service", provider=profile, price_minor=0)
    customer = party(talent)
    booking_id = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk}).json()["id"]
    pages = site_client(provider)
    bad = _step(pages, booking_id, "quote", quote_price_minor="x")
    assert bad.status_code == 400 and booking_state(talent, booking_id) == "requested"
    assert 'id="id_quote-price_minor_error"' in _text(bad) and 'value="x"' in _text(bad)
    sent = _step(pages, booking_id, "quote", quote_price_minor="50000", quote_message="All in")
    assert sent.status_code == 302 and booking_state(talent, booking_id) == "quoted"
    with tenant_context(talent):
        assert Booking.objects.get(pk=booking_id).price_minor == 50_000_000  # IQD in fils


def test_an_order_is_started_then_delivered_with_a_file(make_marketplace):
    gigs = make_marketplace("freelancers")
    customer, provider, booking_id = paid_gig_order(gigs, tier="standard")
    pages = site_client(provider)
    assert _step(pages, booking_id, "start").status_code == 302
    empty = pages.post_form(f"/provider/bookings/{booking_id}/deliver/", {"deliver-message": ""})
    assert empty.status_code == 400 and booking_state(gigs, booking_id) == "in_progress"
    assert "A message or at least one file." in _text(empty)
    delivered = pages.post_form(f"/provider/bookings/{booking_id}/deliver/", {
        "deliver-message": "First cut", "deliver-file": SimpleUploadedFile("cut.pdf", PDF),
    })  # fmt: skip
    assert delivered.status_code == 302 and booking_state(gigs, booking_id) == "delivered"
    asked = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/request_revision/",
                              {"message": "Bigger logo please"})  # fmt: skip
    assert asked.status_code == 200, asked.content
    page = _text(pages.get(f"/provider/bookings/{booking_id}/"))
    assert "Bigger logo please" in page and "cut.pdf" in page and "First cut" in page


def test_the_profile_is_created_then_refused_bad_input_without_change(fire):
    someone = party(fire, ProviderUserFactory)
    pages = site_client(someone)
    bad = pages.post_form("/provider/profile/", {"display_name": "", "hourly_rate_minor": "1.234"})
    assert bad.status_code == 400 and 'id="id_display_name_error"' in _text(bad)
    assert 'id="id_hourly_rate_minor_error"' in _text(bad) and 'value="1.234"' in _text(bad)
    with tenant_context(fire):
        assert not ProviderProfile.objects.filter(user=someone.user).exists()
    saved = pages.post_form("/provider/profile/", {
        "display_name": "Ember", "tagline": "Fire on stilts", "location_name": "Bristol",
        "hourly_rate_minor": "45.50", "travel_radius_km": "80",
    })  # fmt: skip
    assert saved.status_code == 302
    with tenant_context(fire):
        profile = ProviderProfile.objects.get(user=someone.user)
    assert (profile.display_name, profile.hourly_rate_minor, profile.travel_radius_km) == (
        "Ember", 4550, 80)  # fmt: skip
    assert 'value="45.50"' in _text(pages.get("/provider/profile/"))


def test_photos_are_judged_by_the_media_service(fire):
    provider, profile = provider_party(fire)
    pages = site_client(provider)
    fake = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
    refused = pages.post_form("/provider/profile/media/", {"file": fake})
    assert refused.status_code == 400 and 'id="id_file_error"' in _text(refused)
    photo = SimpleUploadedFile("me.png", image_bytes("PNG", size=(64, 48)))
    assert pages.post_form("/provider/profile/media/", {"file": photo}).status_code == 302
    with tenant_context(fire):
        item = MediaItem.objects.get(profile=profile)
    assert item.status == MediaItem.Status.READY and item.is_primary
    stranger = site_client(provider_party(fire)[0])
    assert stranger.post_form(f"/provider/profile/media/{item.pk}/",
                              {"action": "delete"}).status_code == 404  # fmt: skip
    assert (
        pages.post_form(f"/provider/profile/media/{item.pk}/", {"action": "delete"}).status_code
        == 302
    )
    with tenant_context(fire):
        assert not MediaItem.objects.filter(pk=item.pk).exists()


def test_weekly_hours_and_a_day_off(fire):
    provider, profile = provider_party(fire)
    pages = site_client(provider)
    bad = pages.post_form("/provider/calendar/", {"start_0_0": "18:00", "end_0_0": "09:00"})
    assert bad.status_code == 400
    assert "Hours must end after they start." in _errors_of(bad, "hours-0-0")
    with tenant_context(fire):
        assert not WeeklyHours.objects.filter(provider=profile).exists()
    saved = pages.post_form("/provider/calendar/", {"start_5_0": "10:00", "end_5_0": "23:00"})
    assert saved.status_code == 302
    with tenant_context(fire):
        assert list(
            WeeklyHours.objects.filter(provider=profile).values_list("weekday", flat=True)
        ) == [5]
    day = (profile.created_at.date()).isoformat()
    assert (
        pages.post_form("/provider/calendar/dates/", {"date": day, "status": "blocked"}).status_code
        == 302
    )
    with tenant_context(fire):
        assert AvailabilityEntry.objects.filter(provider=profile, status="blocked").count() == 1
    assert pages.post_form("/provider/calendar/dates/remove/", {"date": day}).status_code == 302
    with tenant_context(fire):
        assert not AvailabilityEntry.objects.filter(provider=profile).exists()


SPLIT_SHIFT = {"start_5_0": "18:00", "end_5_0": "23:00", "start_5_1": "10:00", "end_5_1": "13:00",
               "start_6_2": "12:00", "end_6_2": "20:00"}  # fmt: skip


def _errors_of(response, key: str) -> str:
    """What the page says beside one row (``hours-1-1``), tied to the row's fieldset."""
    page = _text(response)
    assert f'aria-describedby="{key}-errors"' in page, page
    return page.split(f'id="{key}-errors">', 1)[1].split("</ul>", 1)[0]


def _hours(marketplace, profile) -> list[tuple[int, str, str]]:
    with tenant_context(marketplace):
        return [(h.weekday, f"{h.start_time:%H:%M}", f"{h.end_time:%H:%M}")
                for h in WeeklyHours.objects.filter(provider=profile)]  # fmt: skip


def test_a_split_shift_is_saved_and_shown_on_the_customers_calendar(fire):
    provider, profile = provider_party(fire)
    pages = site_client(provider)
    rows = re.findall(r'name="start_(\d)_(\d)"', _text(pages.get("/provider/calendar/")))
    assert len(rows) == len(set(rows)) == 7 * 3  # three rows a day
    assert pages.post_form("/provider/calendar/", SPLIT_SHIFT).status_code == 302
    assert _hours(fire, profile) == [(5, "10:00", "13:00"), (5, "18:00", "23:00"),
                                     (6, "12:00", "20:00")]  # fmt: skip
    page = _text(pages.get("/provider/calendar/"))
    # Shown back a day's ranges in order, from its first row.
    for name, value in (("start_5_0", "10:00"), ("end_5_1", "23:00"), ("start_6_0", "12:00")):
        assert f'name="{name}" value="{value}"' in page
    assert "10:00–13:00, 18:00–23:00" in page  # the weeks ahead, as customers see them
    saturday = "2031-06-07"
    days = api(fire).get(f"/api/v1/providers/{profile.pk}/availability/",
                         {"from": saturday, "to": saturday}).json()["days"]  # fmt: skip
    assert days == [{"date": saturday, "status": "available",
                     "slots": [{"start": "10:00", "end": "13:00"},
                               {"start": "18:00", "end": "23:00"}]}]  # fmt: skip

    # A day given more ranges through the API keeps them all on the page.
    four = [{"weekday": 2, "start_time": f"{hour:02d}:00", "end_time": f"{hour:02d}:30"}
            for hour in (8, 10, 12, 14)]  # fmt: skip
    assert api(fire, provider.user).put("/api/v1/provider-profile/weekly-hours/",
                                        four).status_code == 200  # fmt: skip
    shown = _text(pages.get("/provider/calendar/"))
    assert 'name="start_2_3" value="14:00"' in shown and 'name="start_2_4"' not in shown


def test_overlapping_ranges_of_a_day_are_refused_beside_the_row(fire):
    provider, profile = provider_party(fire)
    pages = site_client(provider)
    assert pages.post_form("/provider/calendar/", SPLIT_SHIFT).status_code == 302
    before = _hours(fire, profile)
    overlap = SPLIT_SHIFT | {"start_1_0": "09:00", "end_1_0": "12:00",
                             "start_1_1": "11:00", "end_1_1": "13:00"}  # fmt: skip
    refused = pages.post_form("/provider/calendar/", overlap)
    assert refused.status_code == 400
    assert "Time ranges on the same day overlap." in _errors_of(refused, "hours-1-1")
    assert 'id="hours-1-0-errors"' not in _text(refused)
    assert 'name="start_1_1" value="11:00"' in _text(refused)  # what was typed is kept
    assert _hours(fire, profile) == before


def test_a_listing_is_drafted_edited_published_and_paused(fire):
    provider, profile = provider_party(fire)
    pages = site_client(provider)
    with tenant_context(fire):
        kind = ListingType.objects.get(slug="performance")
        category = Category.objects.order_by("pk").first()
    new = f"/provider/listings/new/?type={kind.pk}"
    assert 'name="price_minor"' in _text(pages.get(new))
    bad = pages.post_form(new, {"listing_type": kind.pk, "title": "", "category": category.pk,
                                "price_minor": "250"})  # fmt: skip
    assert bad.status_code == 400 and 'id="id_title_error"' in _text(bad)
    made = pages.post_form(new, {"listing_type": kind.pk, "title": "Fire show",
                                 "category": category.pk, "price_minor": "250",
                                 "description": "Ten minutes of fire."})  # fmt: skip
    assert made.status_code == 302
    with tenant_context(fire):
        listing = Listing.objects.get(provider=profile)
    assert (listing.status, listing.price_minor) == ("draft", 25000)
    edited = pages.post_form(f"/provider/listings/{listing.pk}/", {
        "title": "Fire show deluxe", "category": category.pk, "price_minor": "300",
        "description": "Twelve minutes of fire."})  # fmt: skip
    assert edited.status_code == 302
    for action, status in (("publish", "published"), ("pause", "paused")):
        pages.post_form(f"/provider/listings/{listing.pk}/status/", {"action": action})
        with tenant_context(fire):
            listing.refresh_from_db()
        assert listing.status == status
    assert (listing.title, listing.price_minor) == ("Fire show deluxe", 30000)

    stranger = site_client(provider_party(fire)[0])
    assert stranger.get(f"/provider/listings/{listing.pk}/").status_code == 404
    assert stranger.post_form(f"/provider/listings/{listing.pk}/status/",
                              {"action": "publish"}).status_code == 404  # fmt: skip
    with tenant_context(fire):
        listing.refresh_from_db()
    assert listing.status == "paused"


def test_earnings_refuse_a_withdrawal_over_what_is_available_and_save_the_payout_account(talent):
    provider, _profile = provider_party(talent)
    pages = site_client(provider)
    pages.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # talent's site is Arabic by default
    page = _text(pages.get("/provider/earnings/"))
    assert "Withdraw" in page
    key = page.split('name="key" value="', 1)[1].split('"', 1)[0]
    refused = pages.post_form(
        "/provider/earnings/withdraw/", {"key": key, "amount_minor": "1000000"}
    )
    assert refused.status_code == 422 and 'id="id_amount_minor_error"' in _text(refused)
    bad = pages.post_form(
        "/provider/earnings/payout-account/", {"method": "fib", "destination": ""}
    )
    assert bad.status_code == 400 and 'id="id_destination_error"' in _text(bad)
    saved = pages.post_form(
        "/provider/earnings/payout-account/",
        {"method": "manual", "destination": "NassWallet 0770 000 0000"},
    )
    assert saved.status_code == 302
    assert "NassWallet 0770 000 0000" in _text(pages.get("/provider/earnings/"))


def test_going_online_and_offline(talent):
    provider, profile = provider_party(talent)
    pages = site_client(provider)
    assert pages.post_form("/provider/online/", {"is_online": "on"}).status_code == 302
    with tenant_context(talent):
        profile.refresh_from_db()
    assert profile.is_online
    pages.post_form("/provider/online/", {})
    with tenant_context(talent):
        profile.refresh_from_db()
    assert not profile.is_online


def test_a_visitor_joins_as_a_provider(fire):
    visitor = api(fire, own_address=True)
    assert visitor.get("/provider/join/").status_code == 200
    taken = party(fire)
    refused = visitor.post_form(
        "/provider/join/",
        {
            "display_name": "Ember",
            "email": taken.user.email,
            "password": "Lantern-quiet-harbour-42",
        },
    )
    assert refused.status_code == 400 and 'id="id_email_error"' in _text(refused)
    joined = visitor.post_form("/provider/join/", {
        "display_name": "Ember", "email": "ember-joins@example.com",
        "password": "Lantern-quiet-harbour-42"})  # fmt: skip
    assert joined.status_code == 302
    with tenant_context(fire):
        user = User.objects.get(email="ember-joins@example.com")
        assert user.role == User.Role.PROVIDER
        assert ProviderProfile.objects.get(user=user).display_name == "Ember"


def test_a_withdrawal_of_available_earnings_is_requested_then_cancelled(talent):
    provider, _profile = provider_party(talent)
    earnings_available(talent, provider.user, Money(90_000_000, "IQD"))
    pages = site_client(provider)
    page = _text(pages.get("/provider/earnings/"))
    key = page.split('name="key" value="', 1)[1].split('"', 1)[0]
    for _twice in range(2):  # the form sent twice asks once
        asked = pages.post_form(
            "/provider/earnings/withdraw/", {"key": key, "amount_minor": "60000"}
        )
        assert asked.status_code == 302
    with tenant_context(talent):
        payout = Payout.objects.get(payee=provider.user)
    assert (payout.amount_minor, payout.state) == (60_000_000, "requested")
    stranger = site_client(provider_party(talent)[0])
    assert (
        stranger.post_form(f"/provider/earnings/payouts/{payout.reference}/cancel/").status_code
        == 404
    )
    cancelled = pages.post_form(f"/provider/earnings/payouts/{payout.reference}/cancel/")
    assert cancelled.status_code == 302
    with tenant_context(talent):
        payout.refresh_from_db()
    assert payout.state == "cancelled"
